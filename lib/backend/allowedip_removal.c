// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Removing single allowed IPs.  Linux 6.16 added WGALLOWEDIP_F_REMOVE_ME; we
 * ask the kernel's policy for it (CTRL_CMD_GETPOLICY, no side effects) and,
 * where it is missing, read the device and send instead the set that
 * replaces whole lists to the same outcome (wg_set_plan_replace_removals()).
 * Sending the flag to an older kernel would fail half-way through a peer,
 * after earlier parts applied.
 */
#include <stdint.h>
#include <stdlib.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "error.h"
#include "genl_wireguard.h"
#include "netlink_internal.h"
#include "set_plan.h"
#include "util.h"

/* ---- the probe ---------------------------------------------------------- */

#define MAX_POLICIES 16
#define MAX_ATTRS 16

struct policy_map {
	int root;			/* policy of WG_CMD_SET_DEVICE's "do" */
	int8_t nested[MAX_POLICIES][MAX_ATTRS];	/* attribute -> its nested policy, -1 none */
	bool has[MAX_POLICIES][MAX_ATTRS];
};

static void parse_policy_attr(struct policy_map *map, unsigned int pidx, const struct nlattr *attr)
{
	unsigned int type = mnl_attr_get_type(attr);
	const struct nlattr *a;

	if (type >= MAX_ATTRS)
		return;
	map->has[pidx][type] = true;
	mnl_attr_for_each_nested(a, attr) {
		if (mnl_attr_get_type(a) == NL_POLICY_TYPE_ATTR_POLICY_IDX &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0 && mnl_attr_get_u32(a) < MAX_POLICIES)
			map->nested[pidx][type] = (int8_t)mnl_attr_get_u32(a);
	}
}

static int policy_cb(const struct nlmsghdr *nlh, void *data)
{
	struct policy_map *map = data;
	const struct nlattr *attr, *p, *a;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(attr)) {
		case CTRL_ATTR_POLICY:
			mnl_attr_for_each_nested(p, attr) {
				if (mnl_attr_get_type(p) >= MAX_POLICIES)
					continue;
				mnl_attr_for_each_nested(a, p)
					parse_policy_attr(map, mnl_attr_get_type(p), a);
			}
			break;
		case CTRL_ATTR_OP_POLICY:
			mnl_attr_for_each_nested(p, attr) {
				mnl_attr_for_each_nested(a, p) {
					if (mnl_attr_get_type(a) == CTRL_ATTR_POLICY_DO &&
					    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
						map->root = (int)mnl_attr_get_u32(a);
				}
			}
			break;
		}
	}
	return 0;
}

bool kernel_probe_allowedip_flags(struct wg_netlink *nl, uint16_t family)
{
	uint8_t buf[128];
	struct nlmsghdr *nlh;
	struct policy_map map = { 0 };
	int peer, aip;

	if (nl->allowedip_flags >= 0)
		return nl->allowedip_flags;
	memset(map.nested, -1, sizeof(map.nested));
	nlh = nl_put_genl(buf, GENL_ID_CTRL, CTRL_CMD_GETPOLICY, 1, NLM_F_DUMP);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, family);
	mnl_attr_put_u32(nlh, CTRL_ATTR_OP, WG_CMD_SET_DEVICE);
	nl->allowedip_flags = 0;
	/* Kernels before 5.10 cannot answer; they lack the flag anyway. */
	if (nl_request(nl, NL_GENL, nlh, policy_cb, &map) < 0 || map.root < 0 || map.root >= MAX_POLICIES)
		return false;
	/* Older kernels give the nested attributes no policy, so the walk ends early. */
	peer = map.nested[map.root][WGDEVICE_A_PEERS];
	aip = peer >= 0 ? map.nested[peer][WGPEER_A_ALLOWEDIPS] : -1;
	nl->allowedip_flags = aip >= 0 && map.has[aip][WGALLOWEDIP_A_FLAGS];
	wg_log(WG_LOG_DEBUG, "kernel %s per-allowed-IP removal", nl->allowedip_flags ? "supports" : "lacks");
	return nl->allowedip_flags;
}

/* ---- the emulation ------------------------------------------------------ */

int kernel_resolve_removals(struct wg_netlink *nl, const wg_device *dev, wg_device **resolved)
{
	wg_device *now = NULL;
	int ret;

	/* Read, plan, replace the lists: the planner decides (set_plan.h). */
	ret = kernel_dump_device(nl, &now, dev->name, dev->ifindex);
	if (ret < 0)
		return ret;
	ret = wg_set_plan_replace_removals(now, dev, resolved);
	wg_free_device(now);
	return ret;
}
