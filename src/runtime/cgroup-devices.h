/* SPDX-License-Identifier: Apache-2.0 */
/* Device control: the device rules of linux.resources.devices, as the
 * kernel's v1 device cgroup keeps them, and as an eBPF program of type
 * BPF_PROG_TYPE_CGROUP_DEVICE for cgroup v2.
 *
 * The rules mean what they mean on v1 (runc gives v2 the same meaning):
 * they are applied in order to a state that is "allow everything" or
 * "deny everything" plus a list of exceptions. An "a" rule resets the
 * state (allow: allow everything, deny: deny everything) and clears the
 * exceptions. Any other rule either adds an exception (an allow rule when
 * the state denies, a deny rule when it allows; same type, major and
 * minor merge their access) or takes access away from the exception of
 * exactly that type, major and minor. What is left decides an access:
 *   deny everything: allowed if one exception matches the device and
 *     holds all of the access asked for;
 *   allow everything: refused if one exception matches the device and
 *     holds any of the access asked for.
 * A config with no rules leaves the device cgroup alone (no program).
 *
 * The program is built from raw instructions rather than with libbpf: it
 * is a straight run of compare-and-return blocks, a few dozen
 * instructions, and needs no maps, relocations or BTF. */
#ifndef MD_CGROUP_DEVICES_H
#define MD_CGROUP_DEVICES_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "runtime/spec.h"

/* Access bits, as v1 and the BPF context (BPF_DEVCG_ACC_*) number them. */
#define CG_DEV_MKNOD 1u
#define CG_DEV_READ 2u
#define CG_DEV_WRITE 4u

struct cg_dev_exception {
	char type;     /* 'c' or 'b' */
	int64_t major; /* -1: any */
	int64_t minor; /* -1: any */
	unsigned access;
};

struct cg_dev_policy {
	bool allow_all; /* the state the exceptions are taken out of */
	struct cg_dev_exception *ex;
	size_t n_ex;
};

/* The devices every container keeps whatever its rules say (runtime-spec
 * "Default Devices"), applied after them as runc does. */
extern const struct spec_device_rule cg_dev_default_allows[];
extern const size_t cg_dev_n_default_allows;

/* Apply rules[0..n) in order to an allow-everything state. */
void cg_dev_policy_apply(struct cg_dev_policy *p, const struct spec_device_rule *rules, size_t n);
/* The policy of a config's rules: them, then the default allows. */
void cg_dev_policy_of(const struct spec_device_rule *rules, size_t n, struct cg_dev_policy *p);
void cg_dev_policy_free(struct cg_dev_policy *p);
/* May access (CG_DEV_* bits) to device type/major/minor go ahead? The
 * reference the program is checked against. */
bool cg_dev_policy_allows(const struct cg_dev_policy *p, char type, int64_t major, int64_t minor,
			  unsigned access);

/* The program for a policy. *insns is malloc'd. Device numbers above
 * INT32_MAX are refused. */
int cg_dev_bpf_build(const struct cg_dev_policy *p, struct bpf_insn **insns, size_t *n,
		     md_error *err);
/* Load it (through the kernel's verifier): a program fd. */
int cg_dev_bpf_load(const struct bpf_insn *insns, size_t n, md_error *err);
/* Attach prog to the cgroup2 directory dirfd and detach every device
 * program attached there before, so that the cgroup is never without a
 * filter: BPF_F_REPLACE where there is one, else attach first, then
 * detach (both filters apply in between). */
int cg_dev_bpf_attach(int dirfd, int prog, md_error *err);
/* The whole v2 job for one cgroup directory: nothing without rules. */
int cg_dev_bpf_apply(const char *dir, const struct spec_resources *res, md_error *err);
/* Number of device programs attached to dirfd (tests). */
int cg_dev_bpf_count(int dirfd, md_error *err);

#endif
