/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compiled in strict modes to prove the public header needs nothing else. */
#include <wireguard.h>

int header_alone(void);
int header_alone(void)
{
	return (int)sizeof(wg_device);
}
