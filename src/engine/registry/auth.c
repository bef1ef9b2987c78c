/* SPDX-License-Identifier: Apache-2.0 */
/* Registry authentication (auth.h): the WWW-Authenticate parser, Docker's
 * config.json credentials, and base64 for Basic. */
#include "engine/registry/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/images/libs.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#define WWW_AUTH_MAX 8192
/* An auth file is a few entries; a larger one is not a config.json. */
#define AUTH_FILE_MAX (4 << 20)
/* The longest "auth" value we decode (a user:password, not a document). */
#define AUTH_B64_MAX 65536

/* As Docker writes it: indented with tabs, "key": value, URLs unescaped. */
#define AUTH_FILE_JSON_FLAGS                                                                       \
	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB | JSON_C_TO_STRING_SPACED |         \
	 JSON_C_TO_STRING_NOSLASHESCAPE)

/* --- WWW-Authenticate (RFC 7235 section 4.1, RFC 7230 section 3.2.6) ----- */

/* The parser's position in the header's value; the value's own text never
 * goes into an error (it is the server's, and may hold anything). */
struct cursor {
	const char *start, *p;
};

static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* token68's characters, without its trailing '='s. */
static bool is_t68char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~+/", c));
}

static void skip_ows(struct cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
}

static size_t token_len(const char *s)
{
	size_t n = 0;

	while (is_tchar((unsigned char)s[n]))
		n++;
	return n;
}

static int syntax_error(const struct cursor *c, const char *what, md_error *err)
{
	return md_error_set(err, EPROTO, "WWW-Authenticate: %s at offset %zu", what,
			    (size_t)(c->p - c->start));
}

/* At "token BWS = BWS (token / quoted-string)": an auth-param, not a new
 * challenge nor a token68 ("abc==" has no value after its first '='). */
static bool at_param(const char *s)
{
	size_t n = token_len(s);

	if (n == 0)
		return false;
	s += n;
	s += strspn(s, " \t");
	if (*s != '=')
		return false;
	s++;
	s += strspn(s, " \t");
	return *s == '"' || is_tchar((unsigned char)*s);
}

static bool is_qchar(unsigned char c)
{
	/* qdtext and quoted-pair: HTAB, SP, VCHAR, obs-text. */
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* A quoted-string's content, unescaped, into a new string: its length
 * and checks first, then the copy. */
static int quoted_string(struct cursor *c, char **out, md_error *err)
{
	const char *s = c->p + 1, *q;
	size_t n = 0;
	char *d;

	for (q = s; *q != '"'; q++, n++) {
		if (*q == '\\')
			q++;
		c->p = q;
		if (*q == '\0')
			return syntax_error(c, "unterminated quoted string", err);
		if (!is_qchar((unsigned char)*q))
			return syntax_error(c, "control character in a quoted string", err);
	}
	*out = d = xmalloc0(n + 1);
	for (; s < q; s++) {
		if (*s == '\\')
			s++;
		*d++ = *s;
	}
	c->p = q + 1;
	return 0;
}

/* The parameters we keep; NULL for one we ignore. */
static char **param_slot(struct www_auth *a, const char *name, size_t len)
{
	static const struct {
		const char *name;
		size_t off;
	} known[] = {
		{ "realm", offsetof(struct www_auth, realm) },
		{ "service", offsetof(struct www_auth, service) },
		{ "scope", offsetof(struct www_auth, scope) },
		{ "error", offsetof(struct www_auth, error) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (strlen(known[i].name) == len && strncasecmp(name, known[i].name, len) == 0)
			return (char **)((char *)a + known[i].off);
	return NULL;
}

/* One auth-param (at_param said it is one); kept in a when a is not NULL. */
static int auth_param(struct cursor *c, struct www_auth *a, md_error *err)
{
	const char *name = c->p;
	size_t len = token_len(name);
	char *value = NULL, **slot;

	c->p += len;
	skip_ows(c);
	c->p++; /* '=' */
	skip_ows(c);
	if (*c->p == '"') {
		if (quoted_string(c, &value, err) < 0)
			return -1;
	} else {
		size_t n = token_len(c->p);

		value = strndup(c->p, n);
		if (!value)
			abort();
		c->p += n;
	}
	slot = a ? param_slot(a, name, len) : NULL;
	if (!slot) {
		free(value);
		return 0;
	}
	if (*slot) {
		free(value);
		return syntax_error(c, "a parameter given twice", err);
	}
	*slot = value;
	return 0;
}

/* token68 ("Negotiate abc=="), which we skip: unknown schemes use it. */
static int token68(struct cursor *c, md_error *err)
{
	while (is_t68char((unsigned char)*c->p))
		c->p++;
	while (*c->p == '=')
		c->p++;
	skip_ows(c);
	if (*c->p && *c->p != ',')
		return syntax_error(c, "malformed credentials", err);
	return 0;
}

/* After a challenge's scheme and its spaces: its token68 or auth-params,
 * up to the next challenge or the end. Kept in a when not NULL. */
static int challenge_params(struct cursor *c, struct www_auth *a, md_error *err)
{
	bool first = true;

	for (;;) {
		skip_ows(c);
		if (!*c->p)
			return 0;
		if (*c->p == ',') {
			/* Empty list elements are allowed (RFC 7230 7). */
			while (*c->p == ',' || *c->p == ' ' || *c->p == '\t')
				c->p++;
			if (!at_param(c->p))
				return 0; /* the next challenge, or the end */
		} else if (!first) {
			return syntax_error(c, "expected a comma", err);
		} else if (!at_param(c->p)) {
			return token68(c, err) < 0 ? -1 : 0;
		}
		if (auth_param(c, a, err) < 0)
			return -1;
		first = false;
	}
}

static enum www_auth_scheme scheme_of(const char *s, size_t len)
{
	if (len == 5 && strncasecmp(s, "Basic", 5) == 0)
		return WWW_AUTH_BASIC;
	if (len == 6 && strncasecmp(s, "Bearer", 6) == 0)
		return WWW_AUTH_BEARER;
	return WWW_AUTH_NONE;
}

/* What a Bearer challenge must hold: a realm we can fetch a token from
 * over HTTP(S), nothing else (a file:// realm would read a local file). */
static int check_challenge(const struct www_auth *a, md_error *err)
{
	if (a->scheme != WWW_AUTH_BEARER)
		return 0;
	if (!a->realm || !a->realm[0])
		return md_error_set(err, EPROTO, "WWW-Authenticate: Bearer without a realm");
	if (strncasecmp(a->realm, "https://", 8) != 0 && strncasecmp(a->realm, "http://", 7) != 0)
		return md_error_set(err, EPROTO,
				    "WWW-Authenticate: the realm is not an http(s) URL");
	return 0;
}

/* One challenge at c: its scheme, and its parameters, kept in out when
 * the scheme is one we know. */
static int challenge(struct cursor *c, struct www_auth *out, enum www_auth_scheme *scheme,
		     md_error *err)
{
	size_t len = token_len(c->p);

	if (len == 0)
		return syntax_error(c, "malformed challenge", err);
	*scheme = scheme_of(c->p, len);
	c->p += len;
	if (*c->p && *c->p != ' ' && *c->p != '\t' && *c->p != ',')
		return syntax_error(c, "malformed challenge", err);
	return challenge_params(c, *scheme ? out : NULL, err);
}

int www_auth_parse(const char *value, struct www_auth *out, md_error *err)
{
	struct cursor c = { value, value };
	enum www_auth_scheme scheme = WWW_AUTH_NONE;

	memset(out, 0, sizeof(*out));
	if (strlen(value) > WWW_AUTH_MAX)
		return md_error_set(err, EPROTO, "WWW-Authenticate: longer than %d bytes",
				    WWW_AUTH_MAX);
	while (!scheme) {
		while (*c.p == ',' || *c.p == ' ' || *c.p == '\t')
			c.p++;
		if (!*c.p)
			return md_error_set(err, EPROTO,
					    "WWW-Authenticate: no Basic or Bearer challenge");
		if (challenge(&c, out, &scheme, err) < 0) {
			www_auth_free(out);
			return -1;
		}
	}
	/* The first we know; what follows is not ours to judge. */
	out->scheme = scheme;
	if (check_challenge(out, err) < 0) {
		www_auth_free(out);
		return -1;
	}
	return 0;
}

void www_auth_free(struct www_auth *a)
{
	free(a->realm);
	free(a->service);
	free(a->scope);
	free(a->error);
	memset(a, 0, sizeof(*a));
}
/* --- base64 for Basic and the auth file ------------------------------------ */

char *auth_basic_encode(const char *user, const char *password)
{
	size_t ul = strlen(user), pl = strlen(password), n = ul + 1 + pl;
	cleanup_free char *plain = NULL;
	char *out;

	if (!images_libcrypto_load() || n > AUTH_B64_MAX)
		return NULL;
	plain = xmalloc0(n + 1);
	memcpy(plain, user, ul);
	plain[ul] = ':';
	memcpy(plain + ul + 1, password, pl);
	/* "Basic " + 4 characters for every 3 bytes, and the NUL. */
	out = xmalloc0(6 + (n + 2) / 3 * 4 + 1);
	memcpy(out, "Basic ", 6);
	EVP_EncodeBlock((unsigned char *)out + 6, (const unsigned char *)plain, (int)n);
	explicit_bzero(plain, n);
	return out;
}

/* Only the alphabet, '=' only at the end, whole groups of 4 (Docker's
 * StdEncoding): EVP_DecodeBlock would skip spaces and guess at the rest. */
static bool valid_b64(const char *s, size_t len, size_t *pad)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strspn(s, alphabet);

	*pad = len - n;
	if (len == 0 || len % 4 != 0 || *pad > 2)
		return false;
	return strspn(s + n, "=") == *pad;
}

int auth_basic_decode(const char *b64, char **user, char **password, md_error *err)
{
	size_t len = strlen(b64), pad;
	cleanup_free unsigned char *plain = NULL;
	char *colon;
	int n;

	*user = *password = NULL;
	if (len > AUTH_B64_MAX || !valid_b64(b64, len, &pad))
		return md_error_set(err, 0, "the credentials are not valid base64");
	if (!images_libcrypto_load())
		return md_error_set(err, 0, "%s", images_libs_error());
	plain = xmalloc0(len / 4 * 3 + 1);
	/* EVP_DecodeBlock counts the bytes that stand for the padding. */
	n = EVP_DecodeBlock(plain, (const unsigned char *)b64, (int)len);
	if (n < 0 || (size_t)n < pad)
		return md_error_set(err, 0, "the credentials are not valid base64");
	n -= (int)pad;
	plain[n] = '\0';
	colon = memchr(plain, ':', (size_t)n);
	if (!colon || memchr(plain, '\0', (size_t)n)) {
		explicit_bzero(plain, (size_t)n);
		return md_error_set(err, 0, "the credentials are not USER:PASSWORD");
	}
	*colon = '\0';
	*user = xstrdup((char *)plain);
	*password = xstrdup(colon + 1);
	explicit_bzero(plain, (size_t)n);
	return 0;
}

/* --- the auth file ---------------------------------------------------------- */

char *auth_file_default(void)
{
	const char *env = getenv("REGISTRY_AUTH_FILE"), *home;
	struct passwd *pw;

	if (env && env[0])
		return xstrdup(env);
	env = getenv("DOCKER_CONFIG");
	if (env && env[0])
		return xasprintf("%s/config.json", env);
	home = getenv("HOME");
	if (!home || !home[0]) {
		pw = getpwuid(getuid());
		home = pw && pw->pw_dir ? pw->pw_dir : "/";
	}
	return xasprintf("%s/.docker/config.json", home);
}

char *auth_key_domain(const char *key)
{
	static const char *const hub[] = { "index.docker.io", "registry-1.docker.io" };
	char *host;

	if (md_str_has_prefix(key, "http://"))
		key += 7;
	else if (md_str_has_prefix(key, "https://"))
		key += 8;
	host = strndup(key, strcspn(key, "/"));
	if (!host)
		abort();
	for (size_t i = 0; i < ARRAY_SIZE(hub); i++)
		if (strcmp(host, hub[i]) == 0)
			return strcpy(host, "docker.io");
	return host;
}

static bool key_matches(const char *file_key, const char *key)
{
	cleanup_free char *a = auth_key_domain(file_key), *b = auth_key_domain(key);

	return strcmp(a, b) == 0;
}

/* auths' entry for key: its own, else one whose key names the same host. */
static json_object *find_entry(json_object *auths, const char *key)
{
	json_object *entry;

	if (!auths)
		return NULL;
	if (json_object_object_get_ex(auths, key, &entry))
		return json_object_is_type(entry, json_type_object) ? entry : NULL;
	json_object_object_foreach(auths, k, v)
	{
		if (json_object_is_type(v, json_type_object) && key_matches(k, key))
			return v;
	}
	return NULL;
}

/* The file's JSON object in *root; NULL when there is no file. An empty
 * file is an empty object, as Docker reads it. */
static int read_auth_file(const char *file, json_object **root, md_error *err)
{
	cleanup_close int fd = open(file, O_RDONLY | O_CLOEXEC);
	char *data = NULL;
	size_t len;

	*root = NULL;
	if (fd < 0)
		return errno == ENOENT ? 0 : md_error_set(err, errno, "open %s", file);
	if (md_read_fd_max(fd, AUTH_FILE_MAX, &data, &len, err) < 0)
		return md_error_prefix(err, "%s", file);
	if (data[strspn(data, " \t\r\n")] == '\0')
		*root = json_object_new_object();
	else
		*root = json_tokener_parse(data);
	explicit_bzero(data, len);
	free(data);
	if (!json_object_is_type(*root, json_type_object)) {
		json_object_put(*root);
		*root = NULL;
		return md_error_set(err, 0, "%s: not a JSON object", file);
	}
	return 0;
}

/* Replace file (the file a symlink points to, as Docker does) with root:
 * 0600, atomically, its directory made 0700 when missing. */
static int write_auth_file(const char *file, json_object *root, md_error *err)
{
	cleanup_free char *path = realpath(file, NULL);
	cleanup_free char *dir = NULL;
	const char *text;
	size_t len;
	int r;

	if (!path)
		path = xstrdup(file);
	dir = xstrdup(path);
	if (md_mkdir_p(dirname(dir), 0700, err) < 0)
		return -1;
	text = json_object_to_json_string_length(root, AUTH_FILE_JSON_FLAGS, &len);
	r = md_write_file_atomic(path, text, len, 0600, err);
	/* json-c's own buffer of the text, which holds the credentials. */
	explicit_bzero((char *)(uintptr_t)text, len);
	return r;
}

static bool empty(const char *s)
{
	return !s || !s[0];
}

/* An entry's "username" and "password" (Docker reads them when there is
 * no "auth"). */
static void entry_fields(json_object *entry, char **user, char **password)
{
	const char *u = md_json_string(entry, "username"), *p = md_json_string(entry, "password");

	if (!empty(u) && !empty(p)) {
		*user = xstrdup(u);
		*password = xstrdup(p);
	}
}

int auth_file_get(const char *file, const char *key, char **user, char **password, md_error *err)
{
	cleanup_json json_object *root = NULL;
	json_object *entry;
	const char *auth;

	*user = *password = NULL;
	if (read_auth_file(file, &root, err) < 0)
		return -1;
	entry = root ? find_entry(md_json_member_of(root, "auths", json_type_object), key) : NULL;
	if (!entry)
		return 0;
	auth = md_json_string(entry, "auth");
	if (empty(auth)) {
		entry_fields(entry, user, password);
		return 0;
	}
	if (auth_basic_decode(auth, user, password, err) < 0)
		return md_error_prefix(err, "%s: the entry of %s", file, key);
	return 0;
}

int auth_file_set(const char *file, const char *key, const char *user, const char *password,
		  md_error *err)
{
	cleanup_json json_object *root = NULL;
	cleanup_free char *basic = NULL;
	json_object *entry;

	if (strchr(user, ':'))
		return md_error_set(err, 0, "a user name cannot hold ':'");
	if (read_auth_file(file, &root, err) < 0)
		return -1;
	basic = auth_basic_encode(user, password);
	if (!basic)
		return md_error_set(err, 0, "cannot encode the credentials: %s",
				    images_libcrypto_load() ? "too long" : images_libs_error());
	if (!root)
		root = json_object_new_object();
	entry = json_object_new_object();
	json_object_object_add(entry, "auth", json_object_new_string(basic + 6));
	explicit_bzero(basic, strlen(basic));
	json_object_object_add(md_json_child(root, "auths", json_type_object), key, entry);
	return write_auth_file(file, root, err);
}

int auth_file_remove(const char *file, const char *key, md_error *err)
{
	cleanup_json json_object *root = NULL;
	cleanup_strv char **keys = NULL;
	json_object *auths;

	if (read_auth_file(file, &root, err) < 0)
		return -1;
	auths = root ? md_json_member_of(root, "auths", json_type_object) : NULL;
	/* Every entry of the host (Docker's logout removes its URL forms too). */
	if (auths) {
		json_object_object_foreach(auths, k, v)
		{
			(void)v;
			if (strcmp(k, key) == 0 || key_matches(k, key))
				md_strv_push(&keys, k);
		}
	}
	if (!keys)
		return md_error_set(err, ENOENT, "not logged in to %s", key);
	for (size_t i = 0; keys[i]; i++)
		json_object_object_del(auths, keys[i]);
	return write_auth_file(file, root, err);
}
