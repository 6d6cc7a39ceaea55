/* Logging to stderr with sd-daemon.h priority prefixes, for journald. */
#ifndef ZXD_LOG_H
#define ZXD_LOG_H

#include <systemd/sd-daemon.h>

extern int log_max_priority;

void log_msg(int priority, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(3, __VA_ARGS__)
#define log_warn(...)	log_msg(4, __VA_ARGS__)
#define log_notice(...)	log_msg(5, __VA_ARGS__)
#define log_info(...)	log_msg(6, __VA_ARGS__)
#define log_debug(...)	log_msg(7, __VA_ARGS__)

#endif
