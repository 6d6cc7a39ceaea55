/* Processes and threads as they see themselves: a zxd client (one Linux
 * process) gets a process object, and each of its Linux threads that
 * asks a thread object. They answer get_info and properties; they start
 * nothing and kill nothing (zxd does not run programs). */
#ifndef ZXD_OBJECTS_PROCESS_H
#define ZXD_OBJECTS_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "objects/object.h"

struct vmar;

/* Zircon's default rights (rights.h). */
#define PROCESS_DEFAULT_RIGHTS	UINT32_C(0x6D3CF)
#define THREAD_DEFAULT_RIGHTS	UINT32_C(0x4D2CF)
#define JOB_DEFAULT_RIGHTS	UINT32_C(0x7DFCF)

/* Thread objects a process may have at once (live Linux threads that
 * asked for theirs). */
#define PROCESS_MAX_THREADS	4096

/* ZX_TASK_TERMINATED. */
#define PROCESS_TERMINATED	ZX_OBJECT_SIGNALED

struct process_thread;

struct process {
	struct object obj;
	pid_t pid;
	/* Whose handles are this process's (the daemon's client record;
	 * handle.owner). NULL once the process is gone. */
	const void *owner;
	struct vmar *root_vmar;		/* a reference; NULL once gone */
	struct process_thread *threads;	/* each holds a thread reference */
	struct object *job;		/* a reference; NULL once gone */
};

static inline struct process *
process_of(struct object *o)
{
	return (struct process *)o;
}

/* The process object of client `owner` (Linux pid `pid`, `comm` its
 * name), whose root VMAR is `root_vmar` (a reference is taken), in job
 * `job` (takes that reference). */
zx_status_t process_new(pid_t pid, const void *owner, const char *comm,
    struct vmar *root_vmar, struct object *job, struct process **ret);
/* The process has gone: ZX_TASK_TERMINATED, its threads and its VMAR
 * dropped, and the topics that need a live process say BAD_STATE. */
void process_exit(struct process *p);
/* The thread object for Linux thread `tid` of p (made on first use;
 * *ret is not a new reference). INVALID_ARGS for a tid that is not one
 * of p's threads, NO_RESOURCES past PROCESS_MAX_THREADS. */
zx_status_t process_thread(struct process *p, pid_t tid,
    struct object **ret);

/* ZX_INFO_PROCESS_MAPS of process `pid` whose root VMAR is `root` (NULL:
 * none yet): up to `max` records of `rec_size` bytes (a version of
 * zx_info_maps_t) into buf; returns how many there are. */
size_t process_maps_records(pid_t pid, const struct vmar *root, void *buf,
    size_t max, size_t rec_size);

/* Handle values as a process sees them: the Linux fd that holds the
 * client end of each socket inode of process `pid`, from /proc/PID/fd
 * (readable by the daemon for processes of its own uid, or as root). */
struct process_fdmap {
	uint64_t *ino;
	int *fd;
	size_t n;
};
void process_fdmap_load(pid_t pid, struct process_fdmap *m);
/* The value of the handle whose socket is `ino`: (fd << 2) | 3, libzx's
 * encoding; 0 if unknown. The lowest fd wins where the process dup(2)ed
 * one. */
uint32_t process_fdmap_value(const struct process_fdmap *m, uint64_t ino);
void process_fdmap_free(struct process_fdmap *m);

/* The job every process is in, with a new reference (made when none
 * holds it: its koid is stable while anyone can see it). */
struct object *job_default(void);

#endif
