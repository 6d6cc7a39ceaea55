/* Process-level declarations main's headers do not have yet (issue 14
 * brings <zircon/process.h> and the newest topics; this file goes once
 * they land). */
#ifndef ZXD_CLIENT_PROCESS_DECLS_H
#define ZXD_CLIENT_PROCESS_DECLS_H

#include <stdint.h>

#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#ifndef ZX_INFO_PROCESS_HANDLE_STATS
#define ZX_INFO_PROCESS_HANDLE_STATS	((zx_object_info_topic_t)21u)
typedef struct zx_info_process_handle_stats {
	uint32_t handle_count[ZX_OBJ_TYPE_UPPER_BOUND];
} zx_info_process_handle_stats_t;
#endif

#ifndef ZX_INFO_HANDLE_TABLE
#define ZX_INFO_HANDLE_TABLE		((zx_object_info_topic_t)27u)
typedef struct zx_info_handle_extended {
	zx_obj_type_t type;
	zx_handle_t handle_value;
	zx_rights_t rights;
	uint32_t reserved;
	zx_koid_t koid;
	zx_koid_t related_koid;
	zx_koid_t peer_owner_koid;
} zx_info_handle_extended_t;
#endif

#ifndef ZX_INFO_PROCESS_MAPS_V3
#define ZX_INFO_PROCESS_MAPS_V3		ZX_INFO_TOPIC(13u, 2u)
#endif
#ifndef ZX_INFO_PROCESS_VMOS_V4
#define ZX_INFO_PROCESS_VMOS_V3		ZX_INFO_TOPIC(14u, 2u)
#define ZX_INFO_PROCESS_VMOS_V4		ZX_INFO_TOPIC(14u, 3u)
#endif

#ifndef ZX_DEFAULT_PROCESS_RIGHTS
#define ZX_DEFAULT_PROCESS_RIGHTS	((zx_rights_t)0x6D3CFu)
#define ZX_DEFAULT_THREAD_RIGHTS	((zx_rights_t)0x4D2CFu)
#define ZX_DEFAULT_JOB_RIGHTS		((zx_rights_t)0x7DFCFu)
#endif

#ifndef ZX_TASK_TERMINATED
#define ZX_TASK_TERMINATED		ZX_OBJECT_SIGNALED
#endif

zx_handle_t zx_process_self(void);
zx_handle_t zx_thread_self(void);
zx_handle_t zx_job_default(void);

#endif
