/*
 * Copyright (c) 2026 The snowrelay authors
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target: a mesh datagram as the worker takes it apart. "SS"
 * datagrams go to frame validation; native ones to tag verification,
 * and, signed here with a test key so that the fuzzer gets past the tag,
 * to the header parser, the HELLO decoder and frame validation.
 */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "frame.h"
#include "fuzz.h"
#include "mesh.h"
#include "snowrelayd.h"

static struct auth_keyring	 kr;

/* Key 1 HMAC-SHA-256, key 2 UMAC-128: fixed test secrets. */
static void
fuzz_keys(void)
{
	static int	 done;
	uint8_t		 hmac[32], umac[16];

	if (done)
		return;
	memset(hmac, 0x11, sizeof(hmac));
	memset(umac, 0x22, sizeof(umac));
	auth_keyring_init(&kr);
	if (auth_keyring_add(&kr, 1, AUTH_HMAC_SHA256, hmac,
	    sizeof(hmac)) == -1 ||
	    auth_keyring_add(&kr, 2, AUTH_UMAC128, umac, sizeof(umac)) == -1)
		abort();
	done = 1;
}

static void
fuzz_frame(const uint8_t *p, size_t n, unsigned int flags)
{
	static const uint16_t	 ports[] = { 5076 };
	struct frame_info	 info;

	if (frame_validate(p, n, ports, 1, flags, &info) == FRAME_OK &&
	    info.len > n)
		abort();
}

/* An L3 payload gets its Ethernet header in place, as in the worker. */
static void
fuzz_data(uint8_t *d, const struct mesh_hdr *hdr, const uint8_t *payload)
{
	if (hdr->flags & MESH_F_L3)
		fuzz_frame(mesh_l3_frame(d), ETH_HLEN_ + (size_t)hdr->len,
		    FRAME_F_CSUM_VALID);
	else
		fuzz_frame(payload, hdr->len, FRAME_F_CSUM_VALID);
}

static void
fuzz_native(uint8_t *d, size_t len)
{
	struct auth_key		*k;
	struct mesh_hdr		 hdr;
	struct mesh_hello	 h;
	const uint8_t		*payload;

	if (mesh_native_verify(d, len, &kr, &k) != MESH_OK ||
	    mesh_native_parse(d, len, &hdr, &payload) != MESH_OK)
		return;
	if (payload != d + MESH_NATIVE_HLEN ||
	    MESH_NATIVE_OVERHEAD + (size_t)hdr.len != len)
		abort();
	if (hdr.type == MESH_TYPE_DATA)
		fuzz_data(d, &hdr, payload);
	else if (mesh_hello_decode(payload, hdr.len, &h) == MESH_OK &&
	    (h.nkeys > AUTH_MAX_KEYS || h.nmacs > MAX_IFACES ||
	    h.version[16] != '\0'))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t		 d[FRAME_MAX + 256];
	struct auth_key		*k;
	const uint8_t		*frame;
	size_t			 flen;

	fuzz_keys();
	if (size + AUTH_TAG_LEN > sizeof(d))
		return 0;
	memcpy(d, data, size);
	switch (mesh_kind(d, size)) {
	case MESH_KIND_SS:
		if (mesh_ss_decode(d, size, &frame, &flen) == MESH_OK)
			fuzz_frame(frame, flen, FRAME_F_ACCEPT_PARTIAL);
		break;
	case MESH_KIND_NATIVE:
		fuzz_native(d, size);
		/* The first pass may have put a frame header over d. */
		memcpy(d, data, size);
		if (size >= MESH_NATIVE_HLEN &&
		    (k = auth_key_find(&kr, d[4])) != NULL) {
			auth_tag(k, d + MESH_NONCE_OFF, d, size, NULL, 0,
			    d + size);
			fuzz_native(d, size + AUTH_TAG_LEN);
		}
		break;
	default:
		break;
	}
	return 0;
}
