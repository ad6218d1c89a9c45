/* main.c: tinbao-modem, the virtual GSM/LTE modem. `run` is the device
 * (fw_dev.c); the other subcommands are clients of its control socket:
 * each sends one JSON request and prints the answer (docs/modem.md). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "fw_dev.h"
#include "fw_profile.h"

static int modem_usage(FILE *f)
{
	fprintf(f,
		"usage: tinbao-modem run (--link PATH | --tcp HOST:PORT) [--control SOCKET]\n"
		"           [--profile ec25|sim800] [--state FILE] [--pin PIN] [--puk PUK]\n"
		"           [--slots N] [--me-slots N] [--cnma-timeout MS] [--seed N] [--trace]\n"
		"       tinbao-modem sms --control S --from NUMBER [--encoding gsm7|ucs2|auto]\n"
		"           [--ref N] [--ref16] [--order 2,1,3] [--drop N] [--duplicate] [--alnum]\n"
		"           [--time 2026-11-25T16:29:05+07:00] [--smsc NUMBER] TEXT\n"
		"       tinbao-modem sms --control S --pdu HEX [--pdu HEX ...]\n"
		"       tinbao-modem sent --control S [--wait SECONDS] [--count N] [--keep]\n"
		"       tinbao-modem ussd --control S [--menu] CODE REPLY\n"
		"       tinbao-modem ussd --control S --balance N [--cost N]\n"
		"       tinbao-modem fault --control S hang SECONDS | garbage BYTES | unplug SECONDS |\n"
		"           cms-error COUNT [CODE] | slow MS | no-network SECONDS | reset\n"
		"       tinbao-modem status --control S\n"
		"       tinbao-modem wait --control S registered|sms-ready|delivered|sim-empty|plugged\n"
		"           [--timeout S]\n");
	return f == stderr ? 2 : 0;
}

static int modem_cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "link", required_argument, 0, 'l' },	  { "tcp", required_argument, 0, 't' },
		{ "control", required_argument, 0, 'c' }, { "profile", required_argument, 0, 'p' },
		{ "state", required_argument, 0, 's' },	  { "pin", required_argument, 0, 'P' },
		{ "puk", required_argument, 0, 'K' },	  { "slots", required_argument, 0, 'n' },
		{ "me-slots", required_argument, 0, 'm' }, { "cnma-timeout", required_argument, 0, 'a' },
		{ "seed", required_argument, 0, 'S' },	  { "trace", no_argument, 0, 'T' },
		{ 0, 0, 0, 0 },
	};
	struct fw_dev_opts o = { 0 };
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': o.link = optarg; break;
		case 't': o.tcp = optarg; break;
		case 'c': o.control = optarg; break;
		case 'p': o.profile = optarg; break;
		case 's': o.state = optarg; break;
		case 'P': o.pin = optarg; break;
		case 'K': o.puk = optarg; break;
		case 'n': o.sm_slots = atoi(optarg); break;
		case 'm': o.me_slots = atoi(optarg); break;
		case 'a': o.cnma_timeout_ms = atoi(optarg); break;
		case 'S': o.seed = strtoull(optarg, NULL, 0); break;
		case 'T': o.trace = true; break;
		default: return modem_usage(stderr);
		}
	}
	if (optind != argc || (!o.link == !o.tcp)) {
		fprintf(stderr, "tinbao-modem run: give exactly one of --link PATH and --tcp HOST:PORT\n");
		return 2;
	}
	if (o.profile && !fw_profile_find(o.profile)) {
		fprintf(stderr, "tinbao-modem: unknown profile '%s' (%s)\n", o.profile, fw_profile_names());
		return 2;
	}
	return fw_dev_run(&o);
}

/* Sends one request and returns the parsed answer (NULL on failure). */
static json_t *modem_request(const char *path, json_t *req, double wait)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (!path || strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "tinbao-modem: --control SOCKET is required\n");
		json_decref(req);
		return NULL;
	}
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror(path);
		if (fd >= 0)
			close(fd);
		json_decref(req);
		return NULL;
	}
	struct timeval tv = { .tv_sec = (time_t)wait + 10 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char *s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	size_t n = s ? strlen(s) : 0;
	int ok = s && send(fd, s, n, MSG_NOSIGNAL) == (ssize_t)n && send(fd, "\n", 1, MSG_NOSIGNAL) == 1;
	free(s);
	char *line = NULL;
	size_t len = 0;
	while (ok) {
		char buf[4096];
		ssize_t r = read(fd, buf, sizeof buf);
		if (r <= 0)
			break;
		char *p = realloc(line, len + (size_t)r + 1);
		if (!p)
			break;
		line = p;
		memcpy(line + len, buf, (size_t)r);
		len += (size_t)r;
		line[len] = '\0';
		if (memchr(buf, '\n', (size_t)r))
			break;
	}
	close(fd);
	json_t *ans = line ? json_loads(line, 0, NULL) : NULL;
	free(line);
	if (!ans)
		fprintf(stderr, "tinbao-modem: no answer from %s\n", path);
	return ans;
}

/* Prints an error answer; returns the exit status. */
static int modem_check(json_t *ans)
{
	if (!ans)
		return 1;
	if (!json_is_true(json_object_get(ans, "ok"))) {
		fprintf(stderr, "tinbao-modem: %s\n", json_string_value(json_object_get(ans, "error")));
		json_decref(ans);
		return 1;
	}
	return 0;
}

/* Sends req (taken) and waits up to `wait` seconds: 0 when the simulator
 * said ok, 1 after printing its error. For commands that print nothing. */
static int modem_send(const char *ctl, json_t *req, double wait)
{
	json_t *ans = modem_request(ctl, req, wait);
	int rc = modem_check(ans);
	json_decref(rc ? NULL : ans);
	return rc;
}

/* Options of the commands whose only option is --control PATH: 0 with *ctl
 * set when given, or the usage exit code. */
static int modem_control_opt(int argc, char **argv, const char **ctl)
{
	static const struct option opts[] = { { "control", required_argument, 0, 'c' }, { 0, 0, 0, 0 } };
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'c')
			return modem_usage(stderr);
		*ctl = optarg;
	}
	return 0;
}

static int modem_cmd_sms(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "control", required_argument, 0, 'c' }, { "from", required_argument, 0, 'f' },
		{ "encoding", required_argument, 0, 'e' }, { "ref", required_argument, 0, 'r' },
		{ "ref16", no_argument, 0, 'R' },	   { "order", required_argument, 0, 'o' },
		{ "drop", required_argument, 0, 'd' },	   { "duplicate", no_argument, 0, 'D' },
		{ "alnum", no_argument, 0, 'A' },	   { "time", required_argument, 0, 't' },
		{ "smsc", required_argument, 0, 's' },	   { "pdu", required_argument, 0, 'p' },
		{ 0, 0, 0, 0 },
	};
	const char *ctl = NULL;
	json_t *req = json_pack("{s:s}", "cmd", "sms"), *drop = json_array(), *pdus = json_array();
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': ctl = optarg; break;
		case 'f': json_object_set_new(req, "from", json_string(optarg)); break;
		case 'e': json_object_set_new(req, "encoding", json_string(optarg)); break;
		case 'r': json_object_set_new(req, "ref", json_integer(atoi(optarg))); break;
		case 'R': json_object_set_new(req, "ref16", json_true()); break;
		case 'D': json_object_set_new(req, "duplicate", json_true()); break;
		case 'A': json_object_set_new(req, "alnum", json_true()); break;
		case 't': json_object_set_new(req, "time", json_string(optarg)); break;
		case 's': json_object_set_new(req, "smsc", json_string(optarg)); break;
		case 'p': json_array_append_new(pdus, json_string(optarg)); break;
		case 'd': json_array_append_new(drop, json_integer(atoi(optarg))); break;
		case 'o': {
			json_t *order = json_array();
			for (char *p = optarg; *p;) {
				json_array_append_new(order, json_integer(strtol(p, &p, 10)));
				if (*p == ',')
					p++;
				else if (*p)
					break;
			}
			json_object_set_new(req, "order", order);
			break;
		}
		default:
			json_decref(req);
			json_decref(drop);
			json_decref(pdus);
			return modem_usage(stderr);
		}
	}
	if (json_array_size(pdus)) {
		json_object_set(req, "pdu", pdus);
	} else if (optind + 1 == argc) {
		json_object_set_new(req, "text", json_string(argv[optind]));
	} else {
		json_decref(req);
		json_decref(drop);
		json_decref(pdus);
		return modem_usage(stderr);
	}
	if (json_array_size(drop))
		json_object_set(req, "drop", drop);
	json_decref(drop);
	json_decref(pdus);
	json_t *ans = modem_request(ctl, req, 0);
	int rc = modem_check(ans);
	if (!rc) {
		printf("%lld\n", (long long)json_integer_value(json_object_get(ans, "parts")));
		json_decref(ans);
	}
	return rc;
}

static int modem_cmd_sent(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "control", required_argument, 0, 'c' }, { "wait", required_argument, 0, 'w' },
		{ "count", required_argument, 0, 'n' },	  { "keep", no_argument, 0, 'k' },
		{ 0, 0, 0, 0 },
	};
	const char *ctl = NULL;
	double wait = 0;
	int count = 0, c;
	json_t *req = json_pack("{s:s}", "cmd", "sent");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': ctl = optarg; break;
		case 'w':
			wait = atof(optarg);
			json_object_set_new(req, "wait", json_real(wait));
			break;
		case 'n':
			count = atoi(optarg);
			json_object_set_new(req, "count", json_integer(count));
			break;
		case 'k': json_object_set_new(req, "keep", json_true()); break;
		default: json_decref(req); return modem_usage(stderr);
		}
	}
	if (optind != argc) {
		json_decref(req);
		return modem_usage(stderr);
	}
	json_t *ans = modem_request(ctl, req, wait);
	int rc = modem_check(ans);
	if (rc)
		return rc;
	json_t *list = json_object_get(ans, "sent"), *e;
	size_t i;
	json_array_foreach(list, i, e) {
		/* One object a line; text stays readable UTF-8. */
		char *s = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (s)
			puts(s);
		free(s);
	}
	rc = count > 0 && json_array_size(list) < (size_t)count ? 1 : 0;
	json_decref(ans);
	return rc;
}

static int modem_cmd_ussd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "control", required_argument, 0, 'c' }, { "menu", no_argument, 0, 'm' },
		{ "balance", required_argument, 0, 'b' }, { "cost", required_argument, 0, 'C' },
		{ 0, 0, 0, 0 },
	};
	const char *ctl = NULL;
	int c;
	bool bal = false;
	json_t *req = json_pack("{s:s}", "cmd", "ussd");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': ctl = optarg; break;
		case 'm': json_object_set_new(req, "menu", json_true()); break;
		case 'b':
			bal = true;
			json_object_set_new(req, "balance", json_integer(atol(optarg)));
			break;
		case 'C': json_object_set_new(req, "cost", json_integer(atol(optarg))); break;
		default: json_decref(req); return modem_usage(stderr);
		}
	}
	if (!bal && optind + 2 == argc) {
		json_object_set_new(req, "code", json_string(argv[optind]));
		json_object_set_new(req, "reply", json_string(argv[optind + 1]));
	} else if (!(bal && optind == argc)) {
		json_decref(req);
		return modem_usage(stderr);
	}
	return modem_send(ctl, req, 0);
}

static int modem_cmd_fault(int argc, char **argv)
{
	const char *ctl = NULL;
	int ex = modem_control_opt(argc, argv, &ctl);
	if (ex)
		return ex;
	if (optind >= argc || argc - optind > 3)
		return modem_usage(stderr);
	json_t *req = json_pack("{s:s, s:s}", "cmd", "fault", "kind", argv[optind]);
	if (optind + 1 < argc)
		json_object_set_new(req, "value", json_real(atof(argv[optind + 1])));
	if (optind + 2 < argc)
		json_object_set_new(req, "code", json_integer(atoi(argv[optind + 2])));
	return modem_send(ctl, req, 0);
}

static int modem_cmd_status(int argc, char **argv)
{
	const char *ctl = NULL;
	int ex = modem_control_opt(argc, argv, &ctl);
	if (ex)
		return ex;
	if (optind != argc)
		return modem_usage(stderr);
	json_t *ans = modem_request(ctl, json_pack("{s:s}", "cmd", "status"), 0);
	int rc = modem_check(ans);
	if (!rc) {
		json_object_del(ans, "ok");
		char *s = json_dumps(ans, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s)
			puts(s);
		free(s);
		json_decref(ans);
	}
	return rc;
}

static int modem_cmd_wait(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "control", required_argument, 0, 'c' }, { "timeout", required_argument, 0, 't' },
		{ 0, 0, 0, 0 },
	};
	const char *ctl = NULL;
	double timeout = 10;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c')
			ctl = optarg;
		else if (c == 't')
			timeout = atof(optarg);
		else
			return modem_usage(stderr);
	}
	if (optind + 1 != argc)
		return modem_usage(stderr);
	json_t *req = json_pack("{s:s, s:s, s:f}", "cmd", "wait", "until", argv[optind], "wait", timeout);
	return modem_send(ctl, req, timeout);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "run", modem_cmd_run },   { "sms", modem_cmd_sms },	{ "sent", modem_cmd_sent },
		{ "ussd", modem_cmd_ussd }, { "fault", modem_cmd_fault }, { "status", modem_cmd_status },
		{ "wait", modem_cmd_wait },
	};
	if (argc < 2)
		return modem_usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return modem_usage(stdout);
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "tinbao-modem: unknown command '%s'\n", argv[1]);
	return modem_usage(stderr);
}
