/* Processes and threads as they see themselves, and the default job:
 * ZX_INFO_PROCESS_HANDLE_STATS, ZX_INFO_HANDLE_TABLE, ZX_INFO_PROCESS_VMOS,
 * ZX_INFO_PROCESS_MAPS and ZX_INFO_TASK_STATS at every version Zircon has
 * had. */
#include "config-build.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zircon/syscalls/object.h>

#include "objects/handle.h"
#include "objects/iob.h"
#include "objects/process.h"
#include "objects/vmar.h"
#include "objects/vmo.h"

/* The record sizes of each version. */
#define VMO_V1_SIZE	sizeof(zx_info_vmo_v1_t)
#define VMO_V2_SIZE	sizeof(zx_info_vmo_v2_t)
#define VMO_V3_SIZE	sizeof(zx_info_vmo_v3_t)
#define VMO_V4_SIZE	sizeof(zx_info_vmo_t)

struct process_thread {
	pid_t tid;
	struct object *thread;		/* a reference */
	struct process_thread *next;
};

/* --- threads --------------------------------------------------------- */

static const struct object_ops thread_ops = {
	.type = ZX_OBJ_TYPE_THREAD,
	.name = "thread",
	.default_rights = THREAD_DEFAULT_RIGHTS,
	/* Waitable; zxd asserts none of its signals (it cannot see a
	 * Linux thread end). */
	.waitable = true,
	.has_name = true,
	.close_observable = object_close_never_observable,
};

/* /proc/PID/task/TID/comm, or "" if it cannot be read. */
static void
read_comm(pid_t pid, pid_t tid, char name[ZX_MAX_NAME_LEN])
{
	char path[64];
	FILE *f;

	memset(name, 0, ZX_MAX_NAME_LEN);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid,
	    (int)tid);
	f = fopen(path, "re");
	if (f == NULL)
		return;
	if (fgets(name, ZX_MAX_NAME_LEN, f) != NULL)
		name[strcspn(name, "\n")] = '\0';
	fclose(f);
}

/* Drop the threads whose Linux thread is gone; returns how many are
 * left. */
static size_t
threads_prune(struct process *p)
{
	struct process_thread **pp = &p->threads, *t;
	char path[64];
	size_t n = 0;

	while ((t = *pp) != NULL) {
		snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)p->pid,
		    (int)t->tid);
		if (access(path, F_OK) < 0) {
			*pp = t->next;
			object_unref(t->thread);
			free(t);
		} else {
			pp = &t->next;
			n++;
		}
	}
	return n;
}

zx_status_t
process_thread(struct process *p, pid_t tid, struct object **ret)
{
	struct process_thread *t;
	char path[64];

	if (p->owner == NULL)
		return ZX_ERR_BAD_STATE;
	for (t = p->threads; t != NULL; t = t->next) {
		if (t->tid == tid) {
			*ret = t->thread;
			return ZX_OK;
		}
	}
	/* Only a thread of this process. */
	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)p->pid,
	    (int)tid);
	if (tid <= 0 || access(path, F_OK) < 0)
		return ZX_ERR_INVALID_ARGS;
	/* Threads that have ended are forgotten (their objects live on
	 * while handles hold them); what is left is bounded. */
	if (threads_prune(p) >= PROCESS_MAX_THREADS)
		return ZX_ERR_NO_RESOURCES;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return ZX_ERR_NO_MEMORY;
	t->thread = calloc(1, sizeof(struct object));
	if (t->thread == NULL) {
		free(t);
		return ZX_ERR_NO_MEMORY;
	}
	object_init(t->thread, &thread_ops);
	t->thread->peer_koid = p->obj.koid;
	read_comm(p->pid, tid, t->thread->name);
	t->tid = tid;
	t->next = p->threads;
	p->threads = t;
	*ret = t->thread;
	return ZX_OK;
}

/* --- the default job ------------------------------------------------- */

static void job_free(struct object *o);

static const struct object_ops job_ops = {
	.type = ZX_OBJ_TYPE_JOB,
	.name = "job",
	.default_rights = JOB_DEFAULT_RIGHTS,
	.waitable = true,
	.has_name = true,
	.destroy = job_free,
	.close_observable = object_close_never_observable,
};

/* The job lives while a process or a handle holds it (not a
 * reference). */
static struct object *the_job;

static void
job_free(struct object *o)
{
	if (the_job == o)
		the_job = NULL;
	free(o);
}

struct object *
job_default(void)
{
	if (the_job == NULL) {
		the_job = calloc(1, sizeof(*the_job));
		if (the_job == NULL)
			return NULL;
		object_init(the_job, &job_ops);
		strcpy(the_job->name, "root");
		return the_job;
	}
	return object_ref(the_job);
}

/* --- process info ---------------------------------------------------- */

void
process_fdmap_load(pid_t pid, struct process_fdmap *m)
{
	char path[64], link[320], target[64];
	struct dirent *d;
	size_t cap = 0;
	DIR *dir;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (dir == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		unsigned long long ino;
		ssize_t len;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, d->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = 0;
		if (sscanf(target, "socket:[%llu]", &ino) != 1)
			continue;
		if (m->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			uint64_t *ni = realloc(m->ino, ncap * sizeof(*ni));
			int *nf;

			if (ni == NULL)
				break;
			m->ino = ni;
			nf = realloc(m->fd, ncap * sizeof(*nf));
			if (nf == NULL)
				break;
			m->fd = nf;
			cap = ncap;
		}
		m->ino[m->n] = ino;
		m->fd[m->n] = atoi(d->d_name);
		m->n++;
	}
	closedir(dir);
}

uint32_t
process_fdmap_value(const struct process_fdmap *m, uint64_t ino)
{
	int best = -1;

	for (size_t i = 0; i < m->n; i++)
		if (m->ino[i] == ino && (best < 0 || m->fd[i] < best))
			best = m->fd[i];
	return best < 0 ? 0 : ((uint32_t)best << 2) | 3u;
}

void
process_fdmap_free(struct process_fdmap *m)
{
	free(m->ino);
	free(m->fd);
}

/* Multi-record output: what fits is copied, all are counted. */
struct out {
	uint8_t *buf;
	size_t max, n, rec_size;
};

static void
out_put(struct out *o, const void *rec)
{
	if (o->n < o->max)
		memcpy(o->buf + o->n * o->rec_size, rec, o->rec_size);
	o->n++;
}

static zx_status_t
out_done(const struct out *o, size_t *actual, size_t *avail,
    size_t *record_size)
{
	*avail = o->n;
	*actual = o->n < o->max ? o->n : o->max;
	*record_size = o->rec_size;
	return ZX_OK;
}

/* A single record: too small a buffer gets none, and says so. */
static zx_status_t
out_single(const void *rec, size_t size, void *buf, size_t buf_size,
    size_t *actual, size_t *avail, size_t *record_size)
{
	*avail = 1;
	*record_size = size;
	if (buf_size < size) {
		*actual = 0;
		return ZX_ERR_BUFFER_TOO_SMALL;
	}
	memcpy(buf, rec, size);
	*actual = 1;
	return ZX_OK;
}

static zx_status_t
handle_stats(struct process *p, void *buf, size_t buf_size, size_t *actual,
    size_t *avail, size_t *record_size)
{
	uint32_t counts[ZX_OBJ_TYPE_UPPER_BOUND];

	memset(counts, 0, sizeof(counts));
	for (struct handle *h = handle_first(); h != NULL;
	    h = handle_next(h)) {
		zx_obj_type_t t = h->obj->ops->type;

		if (h->owner == p->owner && !h->in_flight && t != 0 &&
		    t < ZX_OBJ_TYPE_UPPER_BOUND)
			counts[t]++;
	}
	return out_single(counts, sizeof(counts), buf, buf_size, actual,
	    avail, record_size);
}

static zx_status_t
handle_table(struct process *p, void *buf, size_t buf_size, size_t *actual,
    size_t *avail, size_t *record_size)
{
	struct out o = { buf, buf_size / sizeof(zx_info_handle_extended_t), 0,
	    sizeof(zx_info_handle_extended_t) };
	struct process_fdmap fm;

	process_fdmap_load(p->pid, &fm);
	for (struct handle *h = handle_first(); h != NULL;
	    h = handle_next(h)) {
		zx_info_handle_extended_t r;

		if (h->owner != p->owner || h->in_flight)
			continue;
		memset(&r, 0, sizeof(r));
		r.type = h->obj->ops->type;
		r.handle_value = process_fdmap_value(&fm, h->ino);
		r.rights = h->rights;
		r.koid = h->obj->koid;
		r.related_koid = h->obj->peer_koid;
		out_put(&o, &r);
	}
	process_fdmap_free(&fm);
	return out_done(&o, actual, avail, record_size);
}

static void
vmo_record(const struct vmo *v, zx_rights_t rights, uint32_t via,
    zx_info_vmo_t *r)
{
	vmo_get_info_record(v, rights, r);
	r->flags = (r->flags & ~(ZX_INFO_VMO_VIA_HANDLE |
	    ZX_INFO_VMO_VIA_MAPPING | ZX_INFO_VMO_VIA_IOB_HANDLE)) | via;
}

static void
vmos_mapping(const struct vmar_mapping *m, void *arg)
{
	zx_info_vmo_t r;

	vmo_record(m->vmo, 0, ZX_INFO_VMO_VIA_MAPPING, &r);
	out_put(arg, &r);
}

static zx_status_t
process_vmos(struct process *p, size_t rec_size, void *buf, size_t buf_size,
    size_t *actual, size_t *avail, size_t *record_size)
{
	struct out o = { buf, buf_size / rec_size, 0, rec_size };
	zx_info_vmo_t r;

	if (p->owner == NULL)
		return ZX_ERR_BAD_STATE;
	/* Through handles first, then through mappings. */
	for (struct handle *h = handle_first(); h != NULL;
	    h = handle_next(h)) {
		if (h->owner != p->owner || h->in_flight)
			continue;
		if (h->obj->ops->type == ZX_OBJ_TYPE_VMO) {
			vmo_record(vmo_of(h->obj), h->rights,
			    ZX_INFO_VMO_VIA_HANDLE, &r);
			out_put(&o, &r);
		} else if (h->obj->ops->type == ZX_OBJ_TYPE_IOB) {
			struct iob_ep *ep = iob_of(h->obj);

			for (uint32_t i = 0; i < iob_region_count(ep); i++) {
				vmo_record(iob_region_vmo(ep, i),
				    iob_map_rights(ep, i, h->rights),
				    ZX_INFO_VMO_VIA_IOB_HANDLE, &r);
				out_put(&o, &r);
			}
		}
	}
	if (p->root_vmar != NULL)
		vmar_for_each_mapping(p->root_vmar, vmos_mapping, &o);
	return out_done(&o, actual, avail, record_size);
}

size_t
process_maps_records(pid_t pid, const struct vmar *root, void *buf,
    size_t max, size_t rec_size)
{
	struct vmar_maps_rec r;
	size_t n;

	/* The address space, then the root VMAR's tree under it. */
	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "proc:%d", (int)pid);
	r.base = VMAR_ROOT_BASE;
	r.size = VMAR_ROOT_LEN;
	r.depth = 0;
	r.type = ZX_INFO_MAPS_TYPE_ASPACE;
	if (max > 0)
		memcpy(buf, &r, rec_size);
	n = 1;
	if (root != NULL)
		n += vmar_maps_dump(root, 1, (uint8_t *)buf + rec_size,
		    max > 0 ? max - 1 : 0, rec_size);
	return n;
}

static zx_status_t
process_maps(struct process *p, size_t rec_size, void *buf, size_t buf_size,
    size_t *actual, size_t *avail, size_t *record_size)
{
	size_t max = buf_size / rec_size, n;

	if (p->owner == NULL)
		return ZX_ERR_BAD_STATE;
	n = process_maps_records(p->pid, p->root_vmar, buf, max, rec_size);
	*avail = n;
	*actual = n < max ? n : max;
	*record_size = rec_size;
	return ZX_OK;
}

/*
 * ZX_INFO_TASK_STATS: what the process's mappings come to, as Zircon's
 * attribution gives it (RFC 0254). Every mapping counts its length in
 * mem_mapped_bytes. Its committed pages (of the VMO range it covers) are
 * private when no copy-on-write relative shares them and the VMO is
 * mapped in this process only; every other committed page is shared,
 * and counts in the scaled bytes first over the VMOs sharing it, then
 * over the processes mapping the VMO (Zircon's share_count).
 */
struct task_stats {
	zx_info_task_stats_t s;
	bool unscaled;		/* a VMO past the attribution's bounds */
};

/* Add (integral, fraction) to the scaled shared bytes. */
static void
add_scaled(struct task_stats *t, uint64_t integral, uint64_t fraction)
{
	const uint64_t one = (uint64_t)1 << 63;

	t->s.mem_scaled_shared_bytes += integral;
	t->s.mem_fractional_scaled_shared_bytes += fraction;
	if (t->s.mem_fractional_scaled_shared_bytes >= one) {
		t->s.mem_fractional_scaled_shared_bytes -= one;
		t->s.mem_scaled_shared_bytes++;
	}
}

static void
stats_mapping(const struct vmar_mapping *m, void *arg)
{
	struct task_stats *t = arg;
	size_t share = vmo_share_count(m->vmo);
	struct vmo_attrib a;
	unsigned __int128 v;

	t->s.mem_mapped_bytes += m->len;
	vmo_attribute_range(m->vmo, m->vmo_offset, m->len, &a);
	if (a.fraction == UINT64_MAX) {
		t->unscaled = true;
		a.fraction = 0;
	}
	if (share == 1) {
		t->s.mem_private_bytes += a.private_bytes;
		t->s.mem_shared_bytes += a.committed - a.private_bytes;
		/* A private page counts in full in a.scaled. */
		add_scaled(t, a.scaled - a.private_bytes, a.fraction);
		return;
	}
	t->s.mem_shared_bytes += a.committed;
	v = (((unsigned __int128)a.scaled << 63) | a.fraction) / share;
	add_scaled(t, (uint64_t)(v >> 63), (uint64_t)v & (((uint64_t)1 << 63) -
	    1));
}

static zx_status_t
task_stats(struct process *p, size_t size, void *buf, size_t buf_size,
    size_t *actual, size_t *avail, size_t *record_size)
{
	struct task_stats t;

	if (p->owner == NULL)
		return ZX_ERR_BAD_STATE;
	memset(&t, 0, sizeof(t));
	if (p->root_vmar != NULL)
		vmar_for_each_mapping(p->root_vmar, stats_mapping, &t);
	if (t.unscaled)
		t.s.mem_fractional_scaled_shared_bytes = UINT64_MAX;
	return out_single(&t.s, size, buf, buf_size, actual, avail,
	    record_size);
}

static zx_status_t
process_get_info(struct object *o, uint32_t topic, zx_rights_t rights,
    void *buf, size_t buf_size, size_t *actual, size_t *avail,
    size_t *record_size)
{
	struct process *p = process_of(o);
	const zx_rights_t table_rights = ZX_RIGHT_INSPECT |
	    ZX_RIGHT_MANAGE_PROCESS | ZX_RIGHT_MANAGE_THREAD;
	size_t size;

	switch (topic) {
	case ZX_INFO_PROCESS_HANDLE_STATS:
		if (!(rights & ZX_RIGHT_INSPECT))
			return ZX_ERR_ACCESS_DENIED;
		return handle_stats(p, buf, buf_size, actual, avail,
		    record_size);
	case ZX_INFO_HANDLE_TABLE:
		if ((rights & table_rights) != table_rights)
			return ZX_ERR_ACCESS_DENIED;
		return handle_table(p, buf, buf_size, actual, avail,
		    record_size);
	case ZX_INFO_PROCESS_VMOS_V1:
	case ZX_INFO_PROCESS_VMOS_V2:
	case ZX_INFO_PROCESS_VMOS_V3:
	case ZX_INFO_PROCESS_VMOS:
		if (!(rights & ZX_RIGHT_INSPECT))
			return ZX_ERR_ACCESS_DENIED;
		size = (const size_t[]){ VMO_V1_SIZE, VMO_V2_SIZE, VMO_V3_SIZE,
		    VMO_V4_SIZE }[topic >> 28];
		return process_vmos(p, size, buf, buf_size, actual, avail,
		    record_size);
	case ZX_INFO_PROCESS_MAPS_V1:
	case ZX_INFO_PROCESS_MAPS_V2:
	case ZX_INFO_PROCESS_MAPS:
		if (!(rights & ZX_RIGHT_INSPECT))
			return ZX_ERR_ACCESS_DENIED;
		size = (const size_t[]){ sizeof(zx_info_maps_v1_t),
		    sizeof(zx_info_maps_v2_t), sizeof(zx_info_maps_t) }
		    [topic >> 28];
		return process_maps(p, size, buf, buf_size, actual, avail,
		    record_size);
	case ZX_INFO_TASK_STATS_V1:
	case ZX_INFO_TASK_STATS:
		if (!(rights & ZX_RIGHT_INSPECT))
			return ZX_ERR_ACCESS_DENIED;
		size = topic == ZX_INFO_TASK_STATS ?
		    sizeof(zx_info_task_stats_t) :
		    sizeof(zx_info_task_stats_v1_t);
		return task_stats(p, size, buf, buf_size, actual, avail,
		    record_size);
	default:
		return ZX_ERR_NOT_SUPPORTED;
	}
}

static void
threads_drop(struct process *p)
{
	while (p->threads != NULL) {
		struct process_thread *t = p->threads;

		p->threads = t->next;
		object_unref(t->thread);
		free(t);
	}
}

void
process_exit(struct process *p)
{
	if (p->owner == NULL)
		return;
	p->owner = NULL;
	threads_drop(p);
	object_unref(p->job);
	p->job = NULL;
	if (p->root_vmar != NULL)
		object_unref(&p->root_vmar->obj);
	p->root_vmar = NULL;
	object_signal(&p->obj, 0, PROCESS_TERMINATED);
}

static void
process_destroy(struct object *o)
{
	struct process *p = process_of(o);

	threads_drop(p);
	if (p->root_vmar != NULL)
		object_unref(&p->root_vmar->obj);
	object_unref(p->job);
	free(p);
}

static const struct object_ops process_ops = {
	.type = ZX_OBJ_TYPE_PROCESS,
	.name = "process",
	.default_rights = PROCESS_DEFAULT_RIGHTS,
	.waitable = true,
	.has_name = true,
	.destroy = process_destroy,
	.get_info = process_get_info,
	.close_observable = object_close_never_observable,
};

zx_status_t
process_new(pid_t pid, const void *owner, const char *comm,
    struct vmar *root_vmar, struct object *job, struct process **ret)
{
	struct process *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return ZX_ERR_NO_MEMORY;
	object_init(&p->obj, &process_ops);
	p->pid = pid;
	p->owner = owner;
	p->root_vmar = root_vmar;
	object_ref(&root_vmar->obj);
	p->job = job;
	p->obj.peer_koid = job != NULL ? job->koid : 0;
	strncpy(p->obj.name, comm, sizeof(p->obj.name) - 1);
	*ret = p;
	return ZX_OK;
}
