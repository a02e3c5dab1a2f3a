// SPDX-License-Identifier: LGPL-2.1-or-later
/* os.h on Windows (mingw-w64 with winpthreads). */
#include <winsock2.h>
#include <windows.h>
#include <bcrypt.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdlib.h>

#include "os.h"
#include "util.h"

void wg_memzero(void *p, size_t n)
{
	if (n)
		SecureZeroMemory(p, n);
}

void wg_random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ULONG n = len < 0x40000000 ? (ULONG)len : 0x40000000;

		if (BCryptGenRandom(NULL, p, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
			abort();
		p += n;
		len -= n;
	}
}

uint64_t wg_os_clock_ns(void)
{
	/* Counts time asleep and hibernated (QueryUnbiasedInterruptTime would
	 * not); milliseconds are finer than any WireGuard timer needs. */
	return (uint64_t)GetTickCount64() * 1000000u;
}

const char *wg_os_secure_getenv(const char *name)
{
	return getenv(name);	/* no set-user-ID programs on Windows */
}

int wg_os_open_read(const char *path)
{
	int fd = _open(path, _O_RDONLY | _O_BINARY | _O_NOINHERIT);
	DWORD attr;

	if (fd >= 0)
		return fd;
	/* Windows refuses to open a directory with EACCES; say what it is. */
	attr = GetFileAttributesA(path);
	if (errno == EACCES && attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY))
		return -EISDIR;
	return -errno;
}

void *wg_os_aligned_alloc(size_t align, size_t size)
{
	return _aligned_malloc(size, align);
}

void wg_os_aligned_free(void *p)
{
	_aligned_free(p);
}

/* getaddrinfo() and inet_pton() need Winsock started once per process. */
__attribute__((constructor)) static void start_winsock(void)
{
	WSADATA data;

	WSAStartup(MAKEWORD(2, 2), &data);
}
