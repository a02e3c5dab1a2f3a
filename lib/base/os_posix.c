// SPDX-License-Identifier: LGPL-2.1-or-later
/* The part of os.h that Linux and Darwin share. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "os.h"

int wg_os_open_read(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

void *wg_os_aligned_alloc(size_t align, size_t size)
{
	return aligned_alloc(align, size);
}

void wg_os_aligned_free(void *p)
{
	free(p);
}
