/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/caps.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/capability.h>
#include <sys/prctl.h>

/* The highest capability this kernel knows; the config may name newer ones,
 * which are left out (runc only warns about them). */
static cap_value_t last_cap(void)
{
	return (cap_value_t)cap_max_bits() - 1;
}

static bool has(uint64_t mask, cap_value_t cap)
{
	return cap >= 0 && cap < 64 && ((mask >> cap) & 1);
}

/* "what CAP_NAME: errno" (cap_to_name allocates). */
static int cap_error(md_error *err, const char *what, cap_value_t cap)
{
	int e = errno;
	char *name = cap_to_name(cap);

	md_error_set(err, e, "%s %s", what, name ? name : "?");
	cap_free(name);
	return -1;
}

int caps_before_user(const struct spec_caps *c, bool keep_admin, md_error *err)
{
	if (!c->set && !keep_admin)
		return 0;
	for (cap_value_t cap = 0; c->set && cap <= last_cap(); cap++)
		if (!has(c->bounding, cap) && cap_drop_bound(cap) < 0)
			return cap_error(err, "drop from the bounding set:", cap);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return md_error_set(err, errno, "prctl PR_SET_KEEPCAPS");
	return 0;
}

/* Add every capability of mask to one set (flag) of caps. */
static int add_set(cap_t caps, cap_flag_t flag, uint64_t mask)
{
	for (cap_value_t cap = 0; cap <= last_cap(); cap++)
		if (has(mask, cap) && cap_set_flag(caps, flag, 1, &cap, CAP_SET) < 0)
			return -1;
	return 0;
}

static int set_ambient(uint64_t mask, md_error *err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return md_error_set(err, errno, "clear the ambient capabilities");
	for (cap_value_t cap = 0; cap <= last_cap(); cap++) {
		if (!has(mask, cap))
			continue;
		/* A capability must be permitted and inheritable to be ambient.
		 * runc's default spec lists ambient ones without inheritable;
		 * like runc and crun, skip those rather than fail. */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0, 0) < 0 &&
		    errno != EPERM && errno != EINVAL)
			return cap_error(err, "raise ambient", cap);
	}
	return 0;
}

static const cap_value_t sys_admin = CAP_SYS_ADMIN;

/* No capabilities in the config: keep the others, drop inheritable. */
static int drop_inheritable(bool keep_admin, md_error *err)
{
	cap_t caps = cap_get_proc();
	int r;

	if (!caps)
		return md_error_set(err, errno, "read capabilities");
	r = cap_clear_flag(caps, CAP_INHERITABLE);
	if (r == 0 && keep_admin)
		r = cap_set_flag(caps, CAP_EFFECTIVE, 1, &sys_admin, CAP_SET);
	if (r == 0 && keep_admin && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		r = -1;
	if (r == 0)
		r = cap_set_proc(caps);
	cap_free(caps);
	if (r < 0)
		return md_error_set(err, errno, "clear the inheritable capabilities");
	return set_ambient(0, err);
}

int caps_after_user(const struct spec_caps *c, bool keep_admin, md_error *err)
{
	cap_t caps;
	int r;

	if (!c->set)
		return drop_inheritable(keep_admin, err);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return md_error_set(err, errno, "prctl PR_SET_KEEPCAPS");
	caps = cap_init();
	if (!caps)
		return md_error_set(err, errno, "cap_init");
	r = add_set(caps, CAP_EFFECTIVE, c->effective);
	if (r == 0)
		r = add_set(caps, CAP_PERMITTED, c->permitted);
	/* Until execve, which recomputes both sets without it: it is out of
	 * the bounding set and never inheritable or ambient unless listed. */
	if (r == 0 && keep_admin)
		r = cap_set_flag(caps, CAP_EFFECTIVE, 1, &sys_admin, CAP_SET);
	if (r == 0 && keep_admin)
		r = cap_set_flag(caps, CAP_PERMITTED, 1, &sys_admin, CAP_SET);
	if (r == 0)
		r = add_set(caps, CAP_INHERITABLE, c->inheritable);
	if (r == 0)
		r = cap_set_proc(caps);
	cap_free(caps);
	if (r < 0)
		return md_error_set(err, errno,
				    "set capabilities (effective and inheritable "
				    "must be within permitted and bounding)");
	return set_ambient(c->ambient, err);
}
