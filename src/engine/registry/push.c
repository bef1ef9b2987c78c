/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/registry/push.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/images/reference.h"
#include "util/cleanup.h"
#include "util/util.h"

#define DEFAULT_PARALLEL 5
/* Repositories tried for a cross-repository mount of one blob. */
#define MOUNT_TRIES 3

/* One blob to send: a layer (shown as it goes) or the config (not shown,
 * as Docker does). */
struct push_blob {
	const struct image_layer_ref *desc;
	char id[13]; /* the digest's first 12 hex digits */
	bool shown;
	char **from; /* other repositories of the registry that may hold it */
};

/* A push in progress, shared by its threads. */
struct push_run {
	struct blobs *blobs;
	struct registry *reg;
	const struct push_opts *opts;
	struct push_blob *list;
	size_t n;
	pthread_mutex_t lock; /* next, failed, err, and every report */
	size_t next;
	bool failed;
	md_error err;
};

static void report(struct push_run *run, const struct push_blob *b, enum xfer_state state,
		   uint64_t done, uint64_t total, const char *detail)
{
	struct xfer_event ev = { b->id, state, done, total, detail };

	if (!b->shown || !run->opts->report)
		return;
	pthread_mutex_lock(&run->lock);
	run->opts->report(run->opts->report_arg, &ev);
	pthread_mutex_unlock(&run->lock);
}

struct upload_progress {
	struct push_run *run;
	const struct push_blob *b;
	uint64_t total;
};

static void upload_progress_fn(void *arg, uint64_t done)
{
	struct upload_progress *u = arg;

	report(u->run, u->b, XFER_PUSHING, done, u->total, NULL);
}

static int upload(struct push_run *run, const struct push_blob *b, md_error *err)
{
	cleanup_close int fd = blobs_open_blob(run->blobs, b->desc->digest, false, err);
	struct upload_progress u = { run, b, 0 };
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return md_error_set(err, errno, "stat blob %s", b->desc->digest);
	if ((uint64_t)st.st_size != (uint64_t)b->desc->size)
		return md_error_set(
			err, 0, "blob %s in the store has %lld bytes, its manifest says %lld",
			b->desc->digest, (long long)st.st_size, (long long)b->desc->size);
	u.total = (uint64_t)st.st_size;
	report(run, b, XFER_PUSHING, 0, u.total, NULL);
	if (registry_put_blob(run->reg, b->desc->digest, fd, u.total, run->opts->chunk,
			      upload_progress_fn, &u, err) < 0)
		return -1;
	report(run, b, XFER_PUSHED, u.total, u.total, NULL);
	return 0;
}

/* The registry has it already, or mounts it from another of its
 * repositories (a failed mount is not an error: the upload follows). */
static int push_blob(struct push_run *run, const struct push_blob *b, md_error *err)
{
	bool exists = false, mounted = false;

	if (registry_blob_exists(run->reg, b->desc->digest, &exists, err) < 0)
		return -1;
	if (exists) {
		report(run, b, XFER_EXISTS, 0, 0, NULL);
		return 0;
	}
	for (size_t i = 0; b->from && b->from[i]; i++) {
		md_error ignored;

		if (registry_mount_blob(run->reg, b->desc->digest, b->from[i], &mounted,
					&ignored) == 0 &&
		    mounted) {
			report(run, b, XFER_MOUNTED, 0, 0, b->from[i]);
			return 0;
		}
	}
	return upload(run, b, err);
}

/* A worker: takes the next blob until none is left or one failed. */
static void *push_worker(void *arg)
{
	struct push_run *run = arg;

	for (;;) {
		struct push_blob *b;
		md_error e;

		pthread_mutex_lock(&run->lock);
		b = run->failed || run->next == run->n ? NULL : &run->list[run->next++];
		pthread_mutex_unlock(&run->lock);
		if (!b)
			return NULL;
		md_error_clear(&e);
		if (push_blob(run, b, &e) == 0)
			continue;
		md_error_prefix(&e, "%s %s", b->shown ? "layer" : "config", b->desc->digest);
		pthread_mutex_lock(&run->lock);
		if (!run->failed)
			run->err = e;
		run->failed = true;
		pthread_mutex_unlock(&run->lock);
	}
}

static int run_workers(struct push_run *run, md_error *err)
{
	int want = run->opts->parallel > 0 ? run->opts->parallel : DEFAULT_PARALLEL, started = 0;
	pthread_t threads[16];

	if (want > (int)(sizeof(threads) / sizeof(threads[0])))
		want = (int)(sizeof(threads) / sizeof(threads[0]));
	if ((size_t)want > run->n)
		want = (int)run->n;
	for (; started < want; started++) {
		if (pthread_create(&threads[started], NULL, push_worker, run) != 0)
			break;
	}
	/* Too few threads is slower, not wrong; none at all: this one works. */
	if (started == 0)
		push_worker(run);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (run->failed) {
		*err = run->err;
		return -1;
	}
	return 0;
}

static bool image_has_blob(const struct image_info *i, const char *digest)
{
	if (strcmp(i->m->config.digest, digest) == 0)
		return true;
	for (size_t k = 0; k < i->m->n_layers; k++) {
		if (strcmp(i->m->layers[k].digest, digest) == 0)
			return true;
	}
	return false;
}

/* Where a blob could be mounted from: the other repositories of dest's
 * registry that local tags name, for images that have the blob. */
static void mount_sources(const struct image_info *all, size_t n, const struct image_ref *dest,
			  struct push_blob *b)
{
	for (size_t i = 0; i < n && md_strv_len(b->from) < MOUNT_TRIES; i++) {
		if (!image_has_blob(&all[i], b->desc->digest))
			continue;
		for (size_t t = 0; all[i].tags && all[i].tags[t]; t++) {
			struct image_ref r;
			md_error ignored;
			bool seen = false;

			if (ref_parse(all[i].tags[t], &r, &ignored) < 0)
				continue;
			for (size_t k = 0; b->from && b->from[k]; k++)
				seen = seen || strcmp(b->from[k], r.path) == 0;
			if (!seen && strcmp(r.domain, dest->domain) == 0 &&
			    strcmp(r.path, dest->path) != 0 && md_strv_len(b->from) < MOUNT_TRIES)
				md_strv_push(&b->from, r.path);
			ref_free(&r);
		}
	}
}

/* The blobs to send, the top layer first (as Docker lists them), then the
 * config; a layer that appears twice is sent once. */
static struct push_blob *plan_blobs(const struct image_info *info, size_t *n)
{
	const struct image_manifest *m = info->m;
	struct push_blob *list = xmalloc0((m->n_layers + 1) * sizeof(*list));

	*n = 0;
	for (size_t k = m->n_layers; k-- > 0;) {
		bool dup = false;

		for (size_t j = 0; j < *n; j++)
			dup = dup || strcmp(list[j].desc->digest, m->layers[k].digest) == 0;
		if (dup)
			continue;
		list[*n].desc = &m->layers[k];
		list[(*n)++].shown = true;
	}
	list[(*n)++].desc = &m->config;
	for (size_t j = 0; j < *n; j++)
		snprintf(list[j].id, sizeof(list[j].id), "%s",
			 list[j].desc->digest + strlen("sha256:"));
	return list;
}

static void plan_free(struct push_blob *list, size_t n)
{
	for (size_t j = 0; list && j < n; j++)
		md_strv_free(list[j].from);
	free(list);
}

/* Every blob of the image is in the store; the manifest's bytes as
 * stored (checked against its digest). */
static int read_image(struct blobs *blobs, const struct image_info *info, char **data, size_t *len,
		      md_error *err)
{
	cleanup_close int fd = -1;

	for (size_t k = 0; k < info->m->n_layers; k++) {
		if (!blobs_has(blobs, info->m->layers[k].digest))
			return md_error_set(err, ENOENT,
					    "image %s: layer blob %s is not in the store (load or "
					    "pull the image again)",
					    info->id, info->m->layers[k].digest);
	}
	if (!blobs_has(blobs, info->m->config.digest))
		return md_error_set(err, ENOENT, "image %s: its config blob is not in the store",
				    info->id);
	fd = blobs_open_blob(blobs, info->manifest, true, err);
	if (fd < 0)
		return md_error_prefix(err, "image %s: its manifest", info->id);
	return md_read_fd_max(fd, REGISTRY_MANIFEST_MAX, data, len, err);
}

/* dest (or what) parsed: a reference with a tag and no digest. */
static int parse_dest(const char *what, const char *dest, struct image_ref *ref, md_error *err)
{
	const char *name = dest ? dest : what;

	if (ref_parse(name, ref, err) < 0)
		return -1;
	if (ref->digest) {
		ref_free(ref);
		return md_error_set(err, 0, "cannot push a digest reference: %s", name);
	}
	return 0;
}

/* The image, with Docker's error for a reference that names none. */
static int find_image(struct image_store *s, const char *what, const char *dest,
		      const struct image_ref *ref, struct image_info *info, md_error *err)
{
	cleanup_free char *name = NULL;

	if (image_store_find(s, what, info, err) == 0)
		return 0;
	if (dest || err->errnum != ENOENT)
		return -1;
	name = ref_name(ref, REF_FAMILIAR);
	/* errnum 0: Docker's words say it all. */
	return md_error_set(err, 0, "An image does not exist locally with the tag: %s", name);
}

/* The config's HEAD, before the threads: a registry that cannot be
 * reached or refuses us is one clear error, not one per blob. A config
 * the repository has already is not sent again (it is the last blob). */
static int probe(struct push_run *run, md_error *err)
{
	bool exists = false;

	if (registry_blob_exists(run->reg, run->list[run->n - 1].desc->digest, &exists, err) < 0)
		return -1;
	if (exists)
		run->n--;
	return 0;
}

static int push_image(struct image_store *s, const struct image_info *info,
		      const struct image_ref *ref, const struct push_opts *opts, md_error *err)
{
	struct push_run run = { .opts = opts };
	struct image_info *all = NULL;
	cleanup_free char *manifest = NULL;
	size_t len, n_all = 0, planned;
	int rc = -1;

	run.blobs = image_store_blobs(s);
	if (read_image(run.blobs, info, &manifest, &len, err) < 0)
		return -1;
	run.list = plan_blobs(info, &run.n);
	planned = run.n;
	if (image_store_list(s, &all, &n_all, err) == 0) {
		for (size_t j = 0; j < run.n; j++)
			mount_sources(all, n_all, ref, &run.list[j]);
	}
	image_info_list_free(all, n_all);
	md_error_clear(err);
	run.reg = registry_open(ref->domain, ref->path, &opts->reg, err);
	if (run.reg) {
		pthread_mutex_init(&run.lock, NULL);
		for (size_t j = 0; j < run.n; j++)
			report(&run, &run.list[j], XFER_WAITING, 0, 0, NULL);
		if (probe(&run, err) == 0 && run_workers(&run, err) == 0)
			rc = registry_put_manifest(run.reg, ref->tag, info->m->media_type, manifest,
						   len, err);
		pthread_mutex_destroy(&run.lock);
		registry_close(run.reg);
	}
	plan_free(run.list, planned);
	return rc;
}

int image_push(struct image_store *s, const char *what, const char *dest,
	       const struct push_opts *opts, char out_digest[BLOB_DIGEST_MAX], md_error *err)
{
	struct image_info info = { 0 };
	struct image_ref ref;
	int rc;

	if (parse_dest(what, dest, &ref, err) < 0)
		return -1;
	rc = find_image(s, what, dest, &ref, &info, err);
	if (rc == 0)
		rc = push_image(s, &info, &ref, opts, err);
	if (rc == 0)
		snprintf(out_digest, BLOB_DIGEST_MAX, "%s", info.manifest);
	image_info_free(&info);
	ref_free(&ref);
	return rc;
}
