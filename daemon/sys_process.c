/* zx_process_self, zx_thread_self, zx_job_default: a process's view of
 * itself. The answers (get_info topics) are objects/process.c's. */
#include "config-build.h"

#include "daemon/dispatch.h"
#include "daemon/server.h"
#include "objects/process.h"
#include "objects/vmar.h"

void
sys_process_client_gone(struct client *cl)
{
	if (cl->process == NULL)
		return;
	/* Handles to it may live on in other processes: it answers
	 * BAD_STATE for what needs it alive. */
	process_exit(process_of(cl->process));
	object_unref(cl->process);
	cl->process = NULL;
}

static zx_status_t
process_get(struct call *c, struct process **ret)
{
	struct client *cl = c->client;
	struct object *job;
	struct process *p;
	struct vmar *root;
	zx_status_t st;

	if (cl->process == NULL) {
		st = sys_vmar_root(c, &root);
		if (st != ZX_OK)
			return st;
		job = job_default();
		if (job == NULL)
			return ZX_ERR_NO_MEMORY;
		st = process_new(cl->pid, cl, cl->comm, root, job, &p);
		if (st != ZX_OK) {
			object_unref(job);
			return st;
		}
		cl->process = &p->obj;
	}
	*ret = process_of(cl->process);
	return ZX_OK;
}

zx_status_t
call_process_self(struct call *c)
{
	struct process *p;
	zx_status_t st;

	st = process_get(c, &p);
	if (st != ZX_OK)
		return st;
	return dispatch_add_handle(c, &p->obj, PROCESS_DEFAULT_RIGHTS);
}

zx_status_t
call_thread_self(struct call *c)
{
	struct process *p;
	struct object *t;
	zx_status_t st;

	st = process_get(c, &p);
	if (st != ZX_OK)
		return st;
	st = process_thread(p, (pid_t)c->req->thread_self->tid, &t);
	if (st != ZX_OK)
		return st;
	return dispatch_add_handle(c, t, THREAD_DEFAULT_RIGHTS);
}

zx_status_t
call_job_default(struct call *c)
{
	struct object *job = job_default();
	zx_status_t st;

	if (job == NULL)
		return ZX_ERR_NO_MEMORY;
	st = dispatch_add_handle(c, job, JOB_DEFAULT_RIGHTS);
	object_unref(job);
	return st;
}
