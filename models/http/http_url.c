/* URL parsing for the client (RFC 3986 §3, the http and https schemes of
 * RFC 9110 §4.2): scheme, host (a name or a dotted quad), optional port,
 * path (default "/").  No userinfo, no IPv6 literals; a fragment is
 * dropped; every part is bounded. */
#include "http_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int http_url_parse(const char *url, struct http_url *u, char *err)
{
	memset(u, 0, sizeof(*u));
	const char *p;
	if (strncmp(url, "http://", 7) == 0) {
		p = url + 7;
		u->port = 80;
	} else if (strncmp(url, "https://", 8) == 0) {
		p = url + 8;
		u->https = true;
		u->port = 443;
	} else {
		snprintf(err, 128, "'%.60s': expected http://host[:port]/path or https://...", url);
		return -1;
	}
	size_t hl = strcspn(p, ":/?#");
	if (hl == 0 || hl >= sizeof(u->host)) {
		snprintf(err, 128, "'%.60s': %s host", url, hl ? "too long a" : "no");
		return -1;
	}
	for (size_t i = 0; i < hl; i++) {
		unsigned char c = (unsigned char)p[i];
		if (!isalnum(c) && c != '-' && c != '.' && c != '_') {
			snprintf(err, 128, "'%.60s': bad character in the host", url);
			return -1;
		}
	}
	memcpy(u->host, p, hl);
	u->host[hl] = '\0';
	p += hl;
	bool port_given = false;
	if (*p == ':') {
		p++;
		long port = 0;
		size_t n = 0;
		while (isdigit((unsigned char)p[n]) && n < 6)
			port = port * 10 + (p[n++] - '0');
		if (n == 0 || port < 1 || port > 65535 || (p[n] && !strchr("/?#", p[n]))) {
			snprintf(err, 128, "'%.60s': the port must be 1..65535", url);
			return -1;
		}
		u->port = (uint16_t)port;
		port_given = true;
		p += n;
	}
	size_t pl = strcspn(p, "#");
	if (pl >= sizeof(u->path) - 1) {
		snprintf(err, 128, "'%.60s': path too long", url);
		return -1;
	}
	if (pl == 0 || *p != '/') {
		u->path[0] = '/';
		memcpy(u->path + 1, p, pl);
		u->path[pl + 1] = '\0';
	} else {
		memcpy(u->path, p, pl);
		u->path[pl] = '\0';
	}
	for (const char *c = u->path; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f) {
			snprintf(err, 128, "'%.60s': a space or control character in the path", url);
			return -1;
		}
	if (port_given && u->port != (u->https ? 443 : 80))
		snprintf(u->authority, sizeof(u->authority), "%s:%u", u->host, u->port);
	else
		snprintf(u->authority, sizeof(u->authority), "%s", u->host);
	return 0;
}
