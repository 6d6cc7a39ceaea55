/* Per-call timing inside the daemon (see timing.h): log-linear
 * histograms, eight steps per power of two (about 9% apart), per call
 * type, allocated when a type is first timed. */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/timing.h"

#define SUB_BITS 3
#define SUB (1u << SUB_BITS)
#define N_BUCKETS (16 + 40 * SUB)	/* up to 2^44 ns, about 4.9 hours */

struct hist {
	uint64_t n;
	uint32_t b[N_BUCKETS];
};

struct call_timing {
	const char *name;
	struct hist wait, service;
};

bool timing_on;
static struct call_timing **by_call;
static size_t n_by_call;

int64_t
timing_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static unsigned
bucket_of(uint64_t v)
{
	unsigned e;

	if (v < 16)
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v);		/* >= 4 */
	if (e >= 4 + 40)
		return N_BUCKETS - 1;
	return 16 + (e - 4) * SUB + (unsigned)((v >> (e - SUB_BITS)) &
	    (SUB - 1));
}

/* The middle of bucket i. */
static uint64_t
bucket_value(unsigned i)
{
	unsigned e, s;
	uint64_t lo, w;

	if (i < 16)
		return i;
	e = 4 + (i - 16) / SUB;
	s = (i - 16) % SUB;
	w = 1ull << (e - SUB_BITS);
	lo = (1ull << e) + s * w;
	return lo + w / 2;
}

static void
hist_add(struct hist *h, int64_t v)
{
	h->n++;
	h->b[bucket_of(v > 0 ? (uint64_t)v : 0)]++;
}

/* The value at fraction q (0..1] of the recorded ones. */
static uint64_t
hist_quantile(const struct hist *h, double q)
{
	uint64_t want = (uint64_t)((double)h->n * q), seen = 0;

	if (h->n == 0)
		return 0;
	if (want >= h->n)
		want = h->n - 1;
	for (unsigned i = 0; i < N_BUCKETS; i++) {
		seen += h->b[i];
		if (seen > want)
			return bucket_value(i);
	}
	return bucket_value(N_BUCKETS - 1);
}

void
timing_free(void)
{
	for (size_t i = 0; i < n_by_call; i++)
		free(by_call[i]);
	free(by_call);
	by_call = NULL;
	n_by_call = 0;
}

void
timing_start(void)
{
	timing_free();
	timing_on = true;
}

void
timing_stop(void)
{
	timing_on = false;
}

void
timing_record(size_t idx, size_t n_calls, const char *name,
    int64_t stamp_ns, int64_t start_ns, int64_t end_ns)
{
	struct call_timing *t;

	if (by_call == NULL) {
		by_call = calloc(n_calls, sizeof(*by_call));
		if (by_call == NULL)
			return;
		n_by_call = n_calls;
	}
	if (idx >= n_by_call)
		return;
	t = by_call[idx];
	if (t == NULL) {
		t = calloc(1, sizeof(*t));
		if (t == NULL)
			return;
		t->name = name;
		by_call[idx] = t;
	}
	/* A packet sent before stamping began has none. */
	if (stamp_ns != 0)
		hist_add(&t->wait, start_ns - stamp_ns);
	hist_add(&t->service, end_ns - start_ns);
}

size_t
timing_count(void)
{
	size_t n = 0;

	for (size_t i = 0; i < n_by_call; i++)
		n += by_call[i] != NULL;
	return n;
}

void
timing_report(Zxd__CallTiming **out, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n_by_call && k < n; i++) {
		const struct call_timing *t = by_call[i];
		Zxd__CallTiming *o;

		if (t == NULL)
			continue;
		o = out[k++];
		o->name = (char *)t->name;
		o->count = t->service.n;
		o->waits = t->wait.n;
		o->wait_p50_ns = hist_quantile(&t->wait, 0.50);
		o->wait_p99_ns = hist_quantile(&t->wait, 0.99);
		o->service_p50_ns = hist_quantile(&t->service, 0.50);
		o->service_p99_ns = hist_quantile(&t->service, 0.99);
	}
}
