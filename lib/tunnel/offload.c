// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TCP segmentation and coalescing for a TUN interface with IFF_VNET_HDR.
 *
 * Read side: the kernel hands us TCP super-packets of up to 64 KiB (TSO)
 * with a virtio_net_hdr; we cut them into MTU-sized segments with their own
 * headers and checksums, as a NIC would.  Write side: consecutive decrypted
 * segments of one TCP flow are handed back as one super-packet (GRO), so the
 * receiving stack runs once per 64 KiB instead of once per segment.
 */
#include <linux/virtio_net.h>

#include "tunnel.h"
#include "util.h"

#define IPPROTO_TCP_ 6
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_CWR 0x80
#define MAX_COALESCE 64

/* Ones' complement sum over native-endian words: stored back with memcpy it
 * is in network order, whatever the host's byte order.  64 bits at a time
 * with end-around carry: the same sum, folded later. */
static uint64_t sum_bytes(const uint8_t *p, size_t len, uint64_t sum)
{
	uint64_t w, acc[4] = { 0 };
	uint32_t v;
	uint16_t h;

	/* The bulk in 32-bit words into four 64-bit sums: no carry chain, so the
	 * adds run in parallel (2^16 == 1 modulo 0xffff: the same sum once
	 * folded).  Each stays below 2^48 for any len up to 2^32. */
	for (; len >= 16; p += 16, len -= 16) {
		uint32_t q[4];

		memcpy(q, p, 16);
		acc[0] += q[0];
		acc[1] += q[1];
		acc[2] += q[2];
		acc[3] += q[3];
	}
	w = acc[0] + acc[1] + acc[2] + acc[3];
	sum += w;
	sum += sum < w;
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		sum += w;
		sum += sum < w;
	}
	if (len >= 4) {
		memcpy(&v, p, 4);
		sum += v;
		sum += sum < v;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		sum += sum < h;
		p += 2;
		len -= 2;
	}
	if (len) {
		h = 0;
		memcpy(&h, p, 1);
		sum += h;
		sum += sum < h;
	}
	return sum;
}

static uint16_t fold(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The pseudo-header's sum for a TCP segment of tcp_len bytes. */
static uint64_t pseudo_sum(const uint8_t *ip, size_t tcp_len)
{
	uint8_t tail[4] = { 0, IPPROTO_TCP_, (uint8_t)(tcp_len >> 8), (uint8_t)tcp_len };
	uint64_t sum;

	if ((ip[0] >> 4) == 4)
		sum = sum_bytes(ip + 12, 8, 0);
	else
		sum = sum_bytes(ip + 8, 32, 0);
	return sum_bytes(tail, 4, sum);
}

static void ipv4_header_checksum(uint8_t *ip, size_t ihl)
{
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = (uint16_t)~fold(sum_bytes(ip, ihl, 0));
	memcpy(ip + 10, &c, 2);
}

/* IP and TCP header lengths of a TCP packet, or false if it is not one we handle. */
static bool tcp_headers(const uint8_t *pkt, size_t len, size_t *iphl, size_t *thl)
{
	if (len < 20)
		return false;
	if ((pkt[0] >> 4) == 4) {
		*iphl = (size_t)(pkt[0] & 0xf) * 4;
		if (*iphl < 20 || pkt[9] != IPPROTO_TCP_ || (get_be16(pkt + 6) & 0x3fff))
			return false;	/* not TCP, or a fragment */
	} else if ((pkt[0] >> 4) == 6) {
		*iphl = 40;
		if (len < 40 || pkt[6] != IPPROTO_TCP_)
			return false;	/* extension headers: leave alone */
	} else {
		return false;
	}
	if (len < *iphl + 20)
		return false;
	*thl = (size_t)(pkt[*iphl + 12] >> 4) * 4;
	return *thl >= 20 && len >= *iphl + *thl;
}

int wg_tso_count(const struct virtio_net_hdr *vh, const uint8_t *pkt, size_t len)
{
	size_t iphl, thl;
	uint8_t type = vh->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

	if (type == VIRTIO_NET_HDR_GSO_NONE) {
		if ((vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
		    ((size_t)vh->csum_start + vh->csum_offset + 2 > len))
			return 0;
		return len ? 1 : 0;
	}
	if ((type != VIRTIO_NET_HDR_GSO_TCPV4 && type != VIRTIO_NET_HDR_GSO_TCPV6) ||
	    !vh->gso_size || !tcp_headers(pkt, len, &iphl, &thl) ||
	    ((pkt[0] >> 4) == 4) != (type == VIRTIO_NET_HDR_GSO_TCPV4))
		return 0;
	if (len == iphl + thl)
		return 1;
	return (int)((len - iphl - thl + vh->gso_size - 1) / vh->gso_size);
}

size_t wg_tso_segment(const struct virtio_net_hdr *vh, const uint8_t *pkt, size_t len,
		      unsigned k, uint8_t *out)
{
	uint8_t type = vh->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;
	size_t iphl, thl, hl, off, chunk;
	uint8_t *tcp;
	uint64_t sum;
	uint16_t c;

	if (type == VIRTIO_NET_HDR_GSO_NONE) {
		memcpy(out, pkt, len);
		if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
			/* The field holds the pseudo-header's sum: sum on from there. */
			c = (uint16_t)~fold(sum_bytes(out + vh->csum_start, len - vh->csum_start, 0));
			/* As the kernel's skb_checksum_help(): a UDP zero means "none". */
			if (!c)
				c = 0xffff;
			memcpy(out + vh->csum_start + vh->csum_offset, &c, 2);
		}
		return len;
	}
	tcp_headers(pkt, len, &iphl, &thl);	/* checked by wg_tso_count() */
	hl = iphl + thl;
	off = hl + (size_t)k * vh->gso_size;
	chunk = len - off < vh->gso_size ? len - off : vh->gso_size;
	memcpy(out, pkt, hl);
	memcpy(out + hl, pkt + off, chunk);
	tcp = out + iphl;
	if ((out[0] >> 4) == 4) {
		put_be16(out + 2, (uint16_t)(hl + chunk));
		put_be16(out + 4, (uint16_t)(get_be16(pkt + 4) + k));
		ipv4_header_checksum(out, iphl);
	} else {
		put_be16(out + 4, (uint16_t)(thl + chunk));
	}
	wg_put_be32(tcp + 4, get_be32(pkt + iphl + 4) + (uint32_t)(k * vh->gso_size));
	if (off + chunk < len)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (k)
		tcp[13] &= (uint8_t)~TCP_CWR;
	tcp[16] = tcp[17] = 0;
	sum = pseudo_sum(out, thl + chunk);
	sum = sum_bytes(tcp, thl + chunk, sum);
	c = (uint16_t)~fold(sum);
	memcpy(tcp + 16, &c, 2);
	return hl + chunk;
}

/* Can `next` follow `first` (whose group so far ends at seq `expect`) in one super-packet? */
static bool same_flow(const uint8_t *a, const uint8_t *b, size_t iphl, size_t thl, size_t bl)
{
	size_t biphl, bthl;

	if (!tcp_headers(b, bl, &biphl, &bthl) || biphl != iphl || bthl != thl)
		return false;
	if ((a[0] >> 4) == 4) {
		/* version/ihl/tos, DF, TTL/protocol, addresses */
		if (a[0] != b[0] || a[1] != b[1] || a[6] != b[6] || a[8] != b[8] ||
		    memcmp(a + 12, b + 12, 8))
			return false;
	} else if (memcmp(a, b, 4) || a[7] != b[7] || memcmp(a + 8, b + 8, 32)) {
		return false;
	}
	a += iphl;
	b += iphl;
	/* ports, ack, and options byte for byte; flags must match too */
	return !memcmp(a, b, 4) && !memcmp(a + 8, b + 8, 4) && (a[13] & ~TCP_PSH) == (b[13] & ~TCP_PSH) &&
	       !memcmp(a + 20, b + 20, thl - 20);
}

static bool coalescable(const uint8_t *p, size_t len, size_t *iphl, size_t *thl)
{
	if (!tcp_headers(p, len, iphl, thl) || len == *iphl + *thl)
		return false;
	/* IPv4 options would have to match too: like the kernel's GRO, skip them. */
	if ((p[0] >> 4) == 4 && *iphl != 20)
		return false;
	/* Plain data segments only; anything else goes up on its own. */
	return (p[*iphl + 13] & ~TCP_PSH) == TCP_ACK;
}

size_t wg_gro_group(struct wg_packet *pkts, size_t n, struct wg_gro *g)
{
	struct wg_packet *first = &pkts[0];
	uint8_t *fp = first->buf + first->offset;
	size_t iphl, thl, hl, mss, total, i;
	uint32_t expect;

	memset(&g->vh, 0, sizeof(g->vh));
	/* Authenticated by the engine, as the kernel driver's CHECKSUM_UNNECESSARY. */
	g->vh.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	g->iov[0].iov_base = &g->vh;
	g->iov[0].iov_len = sizeof(g->vh);
	g->iov[1].iov_base = fp;
	g->iov[1].iov_len = first->len;
	g->niov = 2;
	if (!coalescable(fp, first->len, &iphl, &thl) || (fp[iphl + 13] & TCP_PSH))
		return 1;
	hl = iphl + thl;
	mss = first->len - hl;
	total = first->len;
	expect = get_be32(fp + iphl + 4) + (uint32_t)mss;
	for (i = 1; i < n && i < MAX_COALESCE; i++) {
		struct wg_packet *p = &pkts[i];
		uint8_t *pp = p->buf + p->offset;
		size_t plen = p->len;

		if (p->status != WG_PACKET_DELIVER || plen <= hl || plen - hl > mss ||
		    total + plen - hl > 65535 || !same_flow(fp, pp, iphl, thl, plen) ||
		    get_be32(pp + iphl + 4) != expect)
			break;
		g->iov[g->niov].iov_base = pp + hl;
		g->iov[g->niov].iov_len = plen - hl;
		g->niov++;
		total += plen - hl;
		expect += (uint32_t)(plen - hl);
		if (pp[iphl + 13] & TCP_PSH) {
			fp[iphl + 13] |= TCP_PSH;
			i++;
			break;
		}
		if (plen - hl < mss) {
			i++;
			break;
		}
	}
	if (i == 1)
		return 1;
	/* One packet's headers for the whole payload; the kernel fills in the
	 * checksum from the pseudo-header sum we leave in the field. */
	if ((fp[0] >> 4) == 4) {
		put_be16(fp + 2, (uint16_t)total);
		ipv4_header_checksum(fp, iphl);
		g->vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	} else {
		put_be16(fp + 4, (uint16_t)(total - 40));
		g->vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	}
	{
		uint16_t c = fold(pseudo_sum(fp, total - iphl));

		memcpy(fp + iphl + 16, &c, 2);
	}
	g->vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	g->vh.hdr_len = (uint16_t)hl;
	g->vh.gso_size = (uint16_t)mss;
	g->vh.csum_start = (uint16_t)iphl;
	g->vh.csum_offset = 16;
	return i;
}
