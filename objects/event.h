/* Events and eventpairs. */
#ifndef ZXD_OBJECTS_EVENT_H
#define ZXD_OBJECTS_EVENT_H

#include "objects/object.h"

zx_status_t event_create(uint32_t options, struct object **ret);
zx_status_t event_pair_create(uint32_t options, struct object **ret0,
    struct object **ret1);

#endif
