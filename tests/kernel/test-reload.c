// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A mesh daemon keeps one wg_netlink handle for months.  Reloading the
 * WireGuard module gives its generic netlink family a new id: the handle
 * must answer with the documented errors while the module is gone and work
 * again once it is back, without being reopened.
 */
#include "kutil.h"
#include "test.h"

static int get_key(wg_netlink *nl, const char *name, wg_key out)
{
	wg_device *dev = NULL;
	int ret = wg_netlink_get_device(nl, &dev, name);

	if (ret == 0) {
		memcpy(out, dev->private_key, sizeof(wg_key));
		wg_free_device(dev);
	}
	return ret;
}

static int set_key(wg_netlink *nl, const char *name, const wg_key key)
{
	wg_device dev = { .flags = WGDEVICE_HAS_PRIVATE_KEY };

	snprintf(dev.name, sizeof(dev.name), "%s", name);
	memcpy(dev.private_key, key, sizeof(wg_key));
	return wg_netlink_set_device(nl, &dev);
}

int main(void)
{
	wg_netlink *nl;
	wg_key key, got;
	char *wg_ko;
	int ret;

	wg_ko = sh_out("ls /lib/modules/wireguard.ko*");
	CHECK(wg_ko && strstr(wg_ko, "wireguard.ko"));
	CHECK(wg_netlink_open(&nl, -1) == 0);
	wg_generate_private_key(key);
	CHECK(wg_netlink_add_device(nl, "wg0") == 0);
	CHECK(set_key(nl, "wg0", key) == 0);
	CHECK(get_key(nl, "wg0", got) == 0 && !memcmp(key, got, sizeof(key)));

	/* The module and its device are gone: ENODEV for the device, EOPNOTSUPP for another link. */
	CHECK(sh("rmmod wireguard") == 0);
	ret = get_key(nl, "wg0", got);
	printf("get after rmmod: %d (%s)\n", ret, wg_last_error());
	CHECK(ret == -ENODEV);
	ret = set_key(nl, "wg0", key);
	printf("set after rmmod: %d (%s)\n", ret, wg_last_error());
	CHECK(ret == -ENODEV);
	ret = get_key(nl, "lo", got);
	printf("get of lo after rmmod: %d (%s)\n", ret, wg_last_error());
	CHECK(ret == -EOPNOTSUPP);

	/* Back again under a new family id: the same handle works. */
	CHECK(sh("insmod /lib/modules/wireguard.ko*") == 0);
	CHECK(wg_netlink_add_device(nl, "wg0") == 0);
	wg_generate_private_key(key);
	ret = set_key(nl, "wg0", key);
	printf("set after reload: %d (%s)\n", ret, ret ? wg_last_error() : "");
	CHECK(ret == 0);
	ret = get_key(nl, "wg0", got);
	printf("get after reload: %d (%s)\n", ret, ret ? wg_last_error() : "");
	CHECK(ret == 0 && !memcmp(key, got, sizeof(key)));

	/* A reload between two calls that only read. */
	CHECK(sh("rmmod wireguard && insmod /lib/modules/wireguard.ko* && ip link add wg0 type wireguard") == 0);
	CHECK(get_key(nl, "wg0", got) == 0);
	CHECK(sh("wg show wg0 private-key | grep -q '(none)'") == 0);

	wg_netlink_close(nl);
	free(wg_ko);
	return test_done();
}
