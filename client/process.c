/* zx_process_self, zx_thread_self, zx_job_default: handles to what the
 * calling process, its calling thread and its job are. Each is fetched
 * from the daemon once and kept (a thread's per thread), and fetched
 * again if the program closed it, as zx_vmar_root_self does. */
#include "config-build.h"

#include <pthread.h>
#include <unistd.h>

#include "client/libzx.h"

/* One cached handle: its value and the object it was. */
struct self {
	zx_handle_t h;
	zx_koid_t koid;
};

static pthread_mutex_t self_lock = PTHREAD_MUTEX_INITIALIZER;
static struct self proc_self, job_self;
static __thread struct self thread_self;

static bool
still(const struct self *s, zx_obj_type_t type)
{
	struct zxh *e;

	if (s->h == ZX_HANDLE_INVALID)
		return false;
	e = zxh_get(s->h, NULL);
	return e != NULL && e->type == type && e->koid == s->koid;
}

static zx_handle_t
fetch(struct self *s, zx_obj_type_t type, Zxd__Request *req)
{
	zx_handle_t h;

	if (still(s, type))
		return s->h;
	s->h = ZX_HANDLE_INVALID;
	s->koid = 0;
	if (rpc_new_handles(RPC_CONTROL, req, NULL, 0, &h, 1) == ZX_OK) {
		s->h = h;
		s->koid = zxh_get(h, NULL)->koid;
	}
	return s->h;
}

EXPORT zx_handle_t
zx_process_self(void)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ProcessSelf ps = ZXD__PROCESS_SELF__INIT;
	zx_handle_t h;

	req.body_case = ZXD__REQUEST__BODY_PROCESS_SELF;
	req.process_self = &ps;
	pthread_mutex_lock(&self_lock);
	h = fetch(&proc_self, ZX_OBJ_TYPE_PROCESS, &req);
	pthread_mutex_unlock(&self_lock);
	return h;
}

EXPORT zx_handle_t
zx_thread_self(void)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ThreadSelf ts = ZXD__THREAD_SELF__INIT;

	/* Per thread: no lock. A fork()ed child's copy of this thread's
	 * cache names no live handle, so it is fetched again. */
	ts.tid = (uint32_t)gettid();
	req.body_case = ZXD__REQUEST__BODY_THREAD_SELF;
	req.thread_self = &ts;
	return fetch(&thread_self, ZX_OBJ_TYPE_THREAD, &req);
}

EXPORT zx_handle_t
zx_job_default(void)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__JobDefault jd = ZXD__JOB_DEFAULT__INIT;
	zx_handle_t h;

	req.body_case = ZXD__REQUEST__BODY_JOB_DEFAULT;
	req.job_default = &jd;
	pthread_mutex_lock(&self_lock);
	h = fetch(&job_self, ZX_OBJ_TYPE_JOB, &req);
	pthread_mutex_unlock(&self_lock);
	return h;
}
