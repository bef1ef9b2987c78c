/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/registry/pull.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/images/manifest.h"
#include "engine/images/reference.h"
#include "util/cleanup.h"
#include "util/util.h"

#define DEFAULT_PARALLEL 3
#define MAX_PARALLEL 16
#define PIPE_BUFFER (1 << 20)

/* One layer to bring in. */
struct pull_layer {
	const struct image_layer_ref *desc;
	const char *diff_id;
	char short_id[13];
	bool need_blob, need_unpack;
};

/* A pull in progress: what its threads share. */
struct pull {
	struct image_store *s;
	struct registry *reg;
	const struct pull_opts *o;
	struct pull_layer *layers;
	size_t n_layers, next;
	pthread_mutex_t mu; /* next, failed, err, reports */
	bool failed;
	md_error err;
};

static void report(struct pull *p, const char *id, enum xfer_state st, uint64_t done,
		   uint64_t total, const char *detail)
{
	struct xfer_event ev = { id, st, done, total, detail };

	if (!p->o->report)
		return;
	pthread_mutex_lock(&p->mu);
	p->o->report(p->o->report_arg, &ev);
	pthread_mutex_unlock(&p->mu);
}

static void fail(struct pull *p, const md_error *err)
{
	pthread_mutex_lock(&p->mu);
	if (!p->failed)
		p->err = *err;
	p->failed = true;
	pthread_mutex_unlock(&p->mu);
}

static bool failed(struct pull *p)
{
	bool f;

	pthread_mutex_lock(&p->mu);
	f = p->failed;
	pthread_mutex_unlock(&p->mu);
	return f;
}

/* --- one blob into the store (and, through a pipe, into the unpacker) --- */

struct sink_state {
	struct pull *p;
	struct pull_layer *l;
	struct blob_writer w;
	int pipe_fd; /* the unpacker's input, or -1 */
	uint64_t done, total;
	long last_report_ms;
};

static int blob_sink(void *arg, const void *data, size_t len, md_error *err)
{
	struct sink_state *st = arg;
	long now;

	if (failed(st->p))
		return md_error_set(err, ECANCELED, "cancelled");
	if (blob_writer_write(&st->w, data, len, err) < 0)
		return -1;
	/* The unpacker closes its end when it stops early (a failure, or a
	 * layer another pull has just unpacked): the blob still comes in
	 * whole, and layer_fetch reports the unpacker's verdict. */
	if (st->pipe_fd >= 0 && md_write_all(st->pipe_fd, data, len) < 0) {
		if (errno != EPIPE)
			return md_error_set(err, errno, "layer %s: write to the unpacker",
					    st->l->short_id);
		close(st->pipe_fd);
		st->pipe_fd = -1;
	}
	st->done += len;
	now = md_now_ms();
	if (st->l && now - st->last_report_ms >= 100) {
		st->last_report_ms = now;
		report(st->p, st->l->short_id, XFER_DOWNLOADING, st->done, st->total, NULL);
	}
	return 0;
}

/* A small document (config) straight into the blob store. */
static int fetch_small_blob(struct pull *p, const struct image_layer_ref *d, md_error *err)
{
	struct sink_state st = { .p = p, .pipe_fd = -1 };

	if (blobs_has(image_store_blobs(p->s), d->digest))
		return 0;
	if (d->size < 0 || d->size > IMAGE_JSON_MAX)
		return md_error_set(err, EFBIG, "config %s: %lld bytes is too large", d->digest,
				    (long long)d->size);
	if (blob_writer_begin(image_store_blobs(p->s), &st.w, d->digest, err) < 0)
		return -1;
	if (registry_get_blob(p->reg, d->digest, (uint64_t)d->size, blob_sink, &st, err) < 0) {
		blob_writer_abort(&st.w);
		return -1;
	}
	return blob_writer_commit(&st.w, NULL, err);
}

struct unpack_job {
	struct image_store *s;
	int fd;
	const char *diff_id;
	md_error err;
	int rc;
};

static void *unpack_main(void *arg)
{
	struct unpack_job *u = arg;

	u->rc = image_store_put_layer(u->s, u->fd, u->diff_id, NULL, &u->err);
	close(u->fd); /* a writer still there gets EPIPE (blob_sink) */
	return NULL;
}

/* Download one layer's blob; when the store lacks its tree, unpack it at
 * the same time from a pipe. */
static int layer_fetch(struct pull *p, struct pull_layer *l, md_error *err)
{
	struct sink_state st = { .p = p, .l = l, .pipe_fd = -1, .total = (uint64_t)l->desc->size };
	struct unpack_job u = { .s = p->s, .fd = -1, .diff_id = l->diff_id };
	pthread_t t;
	int fds[2], rc;

	if (blob_writer_begin(image_store_blobs(p->s), &st.w, l->desc->digest, err) < 0)
		return -1;
	if (l->need_unpack) {
		if (pipe2(fds, O_CLOEXEC) < 0) {
			blob_writer_abort(&st.w);
			return md_error_set(err, errno, "pipe");
		}
		u.fd = fds[0];
		st.pipe_fd = fds[1];
		/* Fewer switches between the download and the unpacker (best
		 * effort: the default 64 KiB works too). */
		fcntl(fds[1], F_SETPIPE_SZ, PIPE_BUFFER);
		if (pthread_create(&t, NULL, unpack_main, &u) != 0) {
			close(fds[0]);
			close(fds[1]);
			blob_writer_abort(&st.w);
			return md_error_set(err, EAGAIN, "cannot start a thread");
		}
	}
	rc = registry_get_blob(p->reg, l->desc->digest, st.total, blob_sink, &st, err);
	if (rc == 0) {
		report(p, l->short_id, XFER_VERIFYING, st.done, st.total, NULL);
		rc = blob_writer_commit(&st.w, NULL, err);
	} else {
		blob_writer_abort(&st.w);
	}
	if (l->need_unpack) {
		/* The unpacker finishes what the pipe still holds. */
		if (rc == 0)
			report(p, l->short_id, XFER_EXTRACTING, st.done, st.total, NULL);
		if (st.pipe_fd >= 0)
			close(st.pipe_fd);
		pthread_join(t, NULL);
		/* The download's error first (a cut or tampered blob makes a
		 * bad layer too), else the unpacker's. */
		if (u.rc < 0 && rc == 0) {
			*err = u.err;
			rc = -1;
		}
	}
	return rc;
}

static void *layer_worker(void *arg)
{
	struct pull *p = arg;
	sigset_t pipe_set;
	md_error err;

	/* A write to an unpacker that has stopped must fail with EPIPE, not
	 * kill the process. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
	for (;;) {
		struct pull_layer *l;

		pthread_mutex_lock(&p->mu);
		l = !p->failed && p->next < p->n_layers ? &p->layers[p->next++] : NULL;
		pthread_mutex_unlock(&p->mu);
		if (!l)
			return NULL;
		if (!l->need_blob && !l->need_unpack)
			continue;
		md_error_clear(&err);
		if (layer_fetch(p, l, &err) < 0) {
			md_error_prefix(&err, "layer %s", l->short_id);
			report(p, l->short_id, XFER_FAILED, 0, 0, err.msg);
			fail(p, &err);
			return NULL;
		}
		report(p, l->short_id, XFER_PULLED, (uint64_t)l->desc->size,
		       (uint64_t)l->desc->size, NULL);
	}
}

static int fetch_layers(struct pull *p, md_error *err)
{
	int n = p->o->parallel > 0 ? p->o->parallel : DEFAULT_PARALLEL;
	pthread_t threads[MAX_PARALLEL];
	int started = 0;

	if (n > MAX_PARALLEL)
		n = MAX_PARALLEL;
	for (; started < n && (size_t)started < p->n_layers; started++)
		if (pthread_create(&threads[started], NULL, layer_worker, p) != 0)
			break;
	if (started == 0 && p->n_layers > 0)
		layer_worker(p);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (p->failed)
		*err = p->err;
	return p->failed ? -1 : 0;
}

/* --- the manifest, the config, the plan ---------------------------------- */

/* "OS/ARCH[/VARIANT]", or this host's. */
static int platform_parse(const char *s, char os[32], char arch[32], char variant[32],
			  md_error *err)
{
	variant[0] = '\0';
	if (!s) {
		image_host_platform(os, arch);
		return 0;
	}
	if (sscanf(s, "%31[^/]/%31[^/]/%31s", os, arch, variant) < 2 || strchr(variant, '/'))
		return md_error_set(err, 0, "invalid platform `%s`: want OS/ARCH[/VARIANT]", s);
	return 0;
}

/* Put a document we hold in memory into the blob store (it was checked
 * against digest when it came). */
static int store_doc(struct pull *p, const char *data, size_t len, const char *digest,
		     md_error *err)
{
	struct blob_writer w;

	if (blobs_has(image_store_blobs(p->s), digest))
		return 0;
	if (blob_writer_begin(image_store_blobs(p->s), &w, digest, err) < 0)
		return -1;
	if (blob_writer_write(&w, data, len, err) < 0) {
		blob_writer_abort(&w);
		return -1;
	}
	return blob_writer_commit(&w, NULL, err);
}

/* The image manifest that ref names: itself, or its index's entry for
 * the platform. out->digest gets what ref named (Docker's "Digest:"). */
static int resolve(struct pull *p, const char *ref, struct image_manifest *m,
		   char manifest_digest[BLOB_DIGEST_MAX], struct pull_result *out, md_error *err)
{
	cleanup_free char *data = NULL;
	char mt[128], os[32], arch[32], variant[32];
	struct image_index x;
	const struct image_index_entry *e;
	size_t len;
	int rc;

	if (platform_parse(p->o->platform, os, arch, variant, err) < 0 ||
	    registry_get_manifest(p->reg, ref, &data, &len, mt, out->digest, err) < 0)
		return -1;
	switch (image_doc_kind(data, len)) {
	case IMAGE_DOC_MANIFEST:
		snprintf(manifest_digest, BLOB_DIGEST_MAX, "%s", out->digest);
		if (image_manifest_parse(data, len, m, err) < 0)
			return md_error_prefix(err, "%s", ref);
		if (store_doc(p, data, len, manifest_digest, err) < 0) {
			image_manifest_free(m);
			return -1;
		}
		return 0;
	case IMAGE_DOC_UNKNOWN:
		/* Docker's schema 1 (application/vnd.docker.distribution.
		 * manifest.v1+prettyjws), long deprecated, among others. */
		return md_error_set(err, EPROTO, "%s: unsupported manifest media type `%s`", ref,
				    mt[0] ? mt : "none");
	case IMAGE_DOC_INDEX:
		break;
	}
	if (image_index_parse(data, len, &x, err) < 0)
		return md_error_prefix(err, "%s", ref);
	e = image_index_pick(&x, os, arch, variant[0] ? variant : NULL);
	if (!e) {
		image_index_free(&x);
		return md_error_set(
			err, ENOENT,
			"no matching manifest for %s/%s%s%s in the manifest list entries", os, arch,
			variant[0] ? "/" : "", variant);
	}
	snprintf(manifest_digest, BLOB_DIGEST_MAX, "%s", e->desc.digest);
	image_index_free(&x);
	free(TAKE_PTR(data));
	if (registry_get_manifest(p->reg, manifest_digest, &data, &len, mt, manifest_digest, err) <
	    0)
		return -1;
	if (image_doc_kind(data, len) != IMAGE_DOC_MANIFEST)
		return md_error_set(err, EPROTO, "%s: an index entry that is not an image manifest",
				    manifest_digest);
	rc = image_manifest_parse(data, len, m, err);
	if (rc == 0 && (rc = store_doc(p, data, len, manifest_digest, err)) < 0)
		image_manifest_free(m);
	return rc;
}

/* What to fetch of each layer: nothing when its blob and its tree are
 * both in the store. */
static int plan_layers(struct pull *p, const struct image_manifest *m, const struct image_config *c,
		       md_error *err)
{
	struct blobs *b = image_store_blobs(p->s);

	if (c->n_diff_ids != m->n_layers)
		return md_error_set(err, EPROTO, "the config names %zu layers, the manifest %zu",
				    c->n_diff_ids, m->n_layers);
	p->layers = xmalloc0(m->n_layers * sizeof(*p->layers));
	p->n_layers = m->n_layers;
	for (size_t i = 0; i < m->n_layers; i++) {
		struct pull_layer *l = &p->layers[i];

		l->desc = &m->layers[i];
		l->diff_id = c->diff_ids[i];
		snprintf(l->short_id, sizeof(l->short_id), "%.12s", l->desc->digest + 7);
		if (l->desc->size < 0)
			return md_error_set(err, EPROTO, "layer %s: a negative size", l->short_id);
		l->need_blob = !blobs_has(b, l->desc->digest);
		l->need_unpack = !image_store_has_layer(p->s, l->diff_id);
		/* Both or neither: a tree without its blob is fetched for the
		 * blob only. */
		if (l->need_unpack)
			l->need_blob = true;
		report(p, l->short_id, l->need_blob ? XFER_WAITING : XFER_EXISTS, 0,
		       (uint64_t)l->desc->size, NULL);
	}
	return 0;
}

static int read_config(struct pull *p, const struct image_manifest *m, struct image_config *c,
		       md_error *err)
{
	cleanup_free char *data = NULL;
	cleanup_close int fd = -1;
	size_t len;

	if (fetch_small_blob(p, &m->config, err) < 0)
		return md_error_prefix(err, "config");
	fd = blobs_open_blob(image_store_blobs(p->s), m->config.digest, false, err);
	if (fd < 0 || md_read_fd_max(fd, IMAGE_JSON_MAX, &data, &len, err) < 0)
		return -1;
	return image_config_parse(data, len, c, err);
}

/* --- the pull ------------------------------------------------------------ */

static int record(struct pull *p, const struct image_ref *r, const char *manifest_digest,
		  struct pull_result *out, md_error *err)
{
	cleanup_free char *name = ref_name(r, REF_FULL);
	cleanup_free char *repo_digest = xasprintf("%s@%s", name, out->digest);
	int rc;

	if (image_store_lock(p->s, err) < 0)
		return -1;
	rc = image_store_add(p->s, manifest_digest, err);
	if (rc == 0)
		rc = image_store_add_digest(p->s, out->id, repo_digest, err);
	if (rc == 0 && r->tag && !r->digest)
		rc = image_store_tag(p->s, out->ref, out->id, err);
	image_store_unlock(p->s);
	return rc;
}

/* A failed pull leaves blobs and layers no image uses: they go. */
static void pull_failed(struct pull *p)
{
	md_error ignored;

	md_error_clear(&ignored);
	if (image_store_lock(p->s, &ignored) < 0)
		return;
	image_store_gc(p->s, NULL, &ignored);
	image_store_unlock(p->s);
}

/* Whether the store has this image whole already (Docker's "Image is up
 * to date"). */
static bool have_image(struct pull *p, const char *id)
{
	struct image_info info;
	md_error ignored;
	bool have;

	if (image_store_find(p->s, id, &info, &ignored) < 0)
		return false;
	have = true;
	for (size_t i = 0; info.config && info.config->diff_ids && info.config->diff_ids[i]; i++)
		have = have && image_store_has_layer(p->s, info.config->diff_ids[i]);
	image_info_free(&info);
	return have;
}

static int pull_image(struct pull *p, const struct image_ref *r, struct pull_result *out,
		      md_error *err)
{
	struct image_manifest m = { 0 };
	struct image_config c = { 0 };
	char manifest_digest[BLOB_DIGEST_MAX];
	int rc;

	rc = resolve(p, r->digest ? r->digest : r->tag, &m, manifest_digest, out, err);
	if (rc < 0)
		return -1;
	snprintf(out->id, sizeof(out->id), "%s", m.config.digest);
	out->fresh = !have_image(p, out->id);
	rc = read_config(p, &m, &c, err);
	if (rc == 0)
		rc = plan_layers(p, &m, &c, err);
	if (rc == 0)
		rc = fetch_layers(p, err);
	if (rc == 0)
		rc = record(p, r, manifest_digest, out, err);
	free(p->layers);
	image_config_free(&c);
	image_manifest_free(&m);
	return rc;
}

int image_pull(struct image_store *s, const char *ref, const struct pull_opts *opts,
	       struct pull_result *out, md_error *err)
{
	struct pull p = { .s = s, .o = opts };
	struct image_ref r;
	cleanup_free char *full = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (ref_parse(ref, &r, err) < 0)
		return -1;
	full = ref_string(&r, REF_FULL);
	snprintf(out->ref, sizeof(out->ref), "%s", full);
	p.reg = registry_open(r.domain, r.path, &opts->reg, err);
	if (!p.reg) {
		ref_free(&r);
		return -1;
	}
	pthread_mutex_init(&p.mu, NULL);
	rc = pull_image(&p, &r, out, err);
	if (rc < 0)
		pull_failed(&p);
	pthread_mutex_destroy(&p.mu);
	registry_close(p.reg);
	ref_free(&r);
	return rc;
}
