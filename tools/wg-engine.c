// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wg-engine: a userspace WireGuard daemon on libwireguard's managed engine,
 * with wireguard-go's command line, so that wg-quick runs it unchanged:
 *
 *     WG_QUICK_USERSPACE_IMPLEMENTATION=wg-engine wg-quick up wg0
 *
 * It creates the TUN interface and /var/run/wireguard/INTERFACE.sock, then
 * (unless -f or WG_PROCESS_FOREGROUND=1) returns to the caller once both
 * exist, leaving a daemon behind.  It exits, removing the socket, when the
 * interface is deleted or on SIGTERM/SIGINT.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <wireguard.h>

static const char *ifname;

static void usage(FILE *f)
{
	fprintf(f, "Usage: wg-engine [-f/--foreground] INTERFACE-NAME\n"
		   "Environment: WG_PROCESS_FOREGROUND=1, LOG_LEVEL=error|verbose|debug|silent,\n"
		   "             WG_ENGINE_THREADS=N (lanes of two threads; default CPUs/2),\n"
		   "             WG_ENGINE_NO_OFFLOAD=1 (no TUN TSO/GRO, no UDP GSO/GRO)\n");
}

static void log_stderr(int level, const char *msg, void *ctx)
{
	static const char *const names[] = { "", "ERROR", "INFO", "DEBUG" };
	struct timespec ts;
	struct tm tm;
	char when[32];

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y/%m/%d %H:%M:%S", &tm);
	fprintf(stderr, "%s: %s %s\n", names[level >= 1 && level <= 3 ? level : 0], when, msg);
}

/* wireguard-go's LOG_LEVEL values; "info" is ours. */
static int log_level(bool *set)
{
	const char *v = getenv("LOG_LEVEL");

	*set = v && *v;
	if (!*set || !strcmp(v, "error"))
		return WG_LOG_ERROR;
	if (!strcmp(v, "verbose") || !strcmp(v, "debug"))
		return WG_LOG_DEBUG;
	if (!strcmp(v, "info"))
		return WG_LOG_INFO;
	if (!strcmp(v, "silent"))
		return 0;
	return WG_LOG_ERROR;
}

static int run(int ready_fd, bool keep_stderr)
{
	struct wg_tunnel_options opts = {
		.size = sizeof(opts),
		.ifname = ifname,
		.tun_fd = -1,
		.flags = WG_TUNNEL_UAPI,
	};
	const char *threads = getenv("WG_ENGINE_THREADS");
	struct pollfd pfd[2];
	wg_tunnel *tunnel;
	sigset_t mask;
	int ret, status;

	const char *no_offload = getenv("WG_ENGINE_NO_OFFLOAD");

	if (threads)
		opts.threads = (uint32_t)strtoul(threads, NULL, 10);
	if (no_offload && !strcmp(no_offload, "1"))
		opts.flags |= WG_TUNNEL_NO_OFFLOAD;
	/* Block the signals in every thread (workers inherit the mask) and
	 * take them through a signalfd in the main loop. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	pfd[0].fd = signalfd(-1, &mask, SFD_CLOEXEC);
	pfd[0].events = POLLIN;

	ret = wg_tunnel_new(&tunnel, &opts);
	if (ret < 0)
		fprintf(stderr, "wg-engine: %s: %s\n", ifname, wg_last_error());
	status = ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	if (ready_fd >= 0) {
		/* Tell the waiting parent, then leave the terminal. */
		if (write(ready_fd, &status, sizeof(status)) < 0)
			status = EXIT_FAILURE;
		close(ready_fd);
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			if (!keep_stderr)
				dup2(null, STDERR_FILENO);
			if (null > STDERR_FILENO)
				close(null);
		}
	}
	if (ret < 0)
		return EXIT_FAILURE;

	pfd[1].fd = wg_tunnel_stopped_fd(tunnel);
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents) {
			struct signalfd_siginfo si;

			if (read(pfd[0].fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGHUP)
				continue;	/* wireguard-go ignores it too */
			break;
		}
		if (pfd[1].revents)
			break;
	}
	wg_tunnel_free(tunnel);
	return EXIT_SUCCESS;
}

int main(int argc, char *argv[])
{
	bool foreground = false, log_set;
	const char *env = getenv("WG_PROCESS_FOREGROUND");
	int level, pipefd[2], status;
	pid_t pid;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--foreground")) {
			foreground = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_SUCCESS;
		} else if (!strcmp(argv[i], "--version")) {
			printf("wg-engine (libwireguard %s)\n", wg_version());
			return EXIT_SUCCESS;
		} else if (argv[i][0] == '-' || ifname) {
			usage(stderr);
			return EXIT_FAILURE;
		} else {
			ifname = argv[i];
		}
	}
	if (!ifname) {
		usage(stderr);
		return EXIT_FAILURE;
	}
	if (env && !strcmp(env, "1"))
		foreground = true;
	level = log_level(&log_set);
	if (level)
		wg_set_log_callback(log_stderr, NULL, level);
	if (foreground)
		return run(-1, true);

	/* The caller (wg-quick) configures the interface as soon as we return,
	 * so the parent waits until the child has the interface and socket. */
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		perror("wg-engine: pipe");
		return EXIT_FAILURE;
	}
	pid = fork();
	if (pid < 0) {
		perror("wg-engine: fork");
		return EXIT_FAILURE;
	}
	if (pid == 0) {
		close(pipefd[0]);
		setsid();
		if (chdir("/") < 0)
			return EXIT_FAILURE;
		return run(pipefd[1], log_set && level);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &status, sizeof(status)) != sizeof(status))
		status = EXIT_FAILURE;	/* the child died before it was ready */
	return status;
}
