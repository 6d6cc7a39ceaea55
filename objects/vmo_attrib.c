/*
 * Memory attribution for ZX_INFO_VMO (and for the range of a VMO that a
 * mapping covers, for ZX_INFO_TASK_STATS), as Zircon gives it: a page that a
 * VMO shares with its copy-on-write relatives counts in full in
 * committed_bytes and populated_bytes, not at all in the *_private_bytes,
 * and 1/n in the *_scaled_bytes (the fraction below a byte in the
 * *_fractional_scaled_bytes, as a 63-bit binary fraction, Zircon's
 * FractionalBytes).
 *
 * zxd makes a snapshot as an eager copy, so no page is shared in memory.
 * It counts a page as shared with a relative when the relative has the
 * page committed at the same place and its bytes are still the same:
 * exactly the pages Zircon would still share, but for a page written
 * with the bytes it already held (Zircon forks that one). Relatives are
 * the snapshot parent, its other snapshots, and the VMO's own snapshot
 * children. The comparison reads the pages, so it is bounded: past
 * ATTRIB_MAX_PAGES committed pages, or past ATTRIB_MAX_RELATIVES
 * relatives, the VMO's pages count as its own and the fractional fields
 * say UINT64_MAX ("no scaled attribution", as Zircon's tests read it).
 */
#include "config-build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/anon.h"
#include "objects/vmo.h"

#define ATTRIB_MAX_PAGES	65536
#define ATTRIB_MAX_RELATIVES	16
#define FRACTION_BITS		63
/* Zircon's VmPageListNode: 16 pages' entries and its list links. */
#define PAGE_LIST_FANOUT	16
#define PAGE_LIST_NODE_BYTES	160

struct relative {
	const struct vmo *vmo;
	int64_t delta;		/* relative's offset = v's offset + delta */
};

static bool
owns_pages(const struct vmo *v)
{
	return (v->kind == VMO_ROOT || v->kind == VMO_SNAPSHOT) &&
	    !vmo_is_physical(v) && v->mem->fd >= 0;
}

/* Whether [off, off + page) of w's memory is committed. */
static bool
committed_at(const struct vmo *w, uint64_t off, uint64_t page)
{
	off_t d;

	if (off + page > w->mem->size)
		return false;
	d = lseek(w->mem->fd, (off_t)(w->offset + off), SEEK_DATA);
	return d >= 0 && (uint64_t)d < w->offset + off + page;
}

static bool
same_page(const struct vmo *a, uint64_t aoff, const struct vmo *b,
    uint64_t boff, uint64_t page, char *buf_a, char *buf_b)
{
	if (pread(a->mem->fd, buf_a, page, (off_t)(a->offset + aoff)) !=
	    (ssize_t)page)
		return false;
	if (pread(b->mem->fd, buf_b, page, (off_t)(b->offset + boff)) !=
	    (ssize_t)page)
		return false;
	return memcmp(buf_a, buf_b, page) == 0;
}

static size_t
relatives_of(const struct vmo *v, struct relative *r, size_t max)
{
	size_t n = 0;

	if (v->kind == VMO_SNAPSHOT && v->parent != NULL &&
	    owns_pages(v->parent)) {
		r[n].vmo = v->parent;
		r[n].delta = (int64_t)v->snap_offset;
		n++;
		/* Its other snapshots hold copies of the same pages. */
		for (const struct vmo *s = v->parent->children; s != NULL;
		    s = s->sib_next) {
			if (s == v || s->kind != VMO_SNAPSHOT || !owns_pages(s))
				continue;
			if (n == max)
				return max + 1;
			r[n].vmo = s;
			r[n].delta = (int64_t)v->snap_offset -
			    (int64_t)s->snap_offset;
			n++;
		}
	}
	for (const struct vmo *c = v->children; c != NULL; c = c->sib_next) {
		if (c->kind != VMO_SNAPSHOT || !owns_pages(c))
			continue;
		if (n == max)
			return max + 1;
		r[n].vmo = c;
		r[n].delta = -(int64_t)c->snap_offset;
		n++;
	}
	return n;
}

/* Add page / sharers to *integral, *fraction (a 63-bit fraction). */
static void
add_share(uint64_t page, unsigned sharers, uint64_t *integral,
    uint64_t *fraction)
{
	const unsigned __int128 one = (unsigned __int128)1 << FRACTION_BITS;
	unsigned __int128 f;

	*integral += page / sharers;
	f = ((unsigned __int128)(page % sharers) << FRACTION_BITS) / sharers;
	f += *fraction;
	if (f >= one) {
		f -= one;
		(*integral)++;
	}
	*fraction = (uint64_t)f;
}

/* Bytes of w's memory committed in [off, off + len) of the VMO. */
static uint64_t
committed_in(const struct vmo *w, uint64_t off, uint64_t len)
{
	uint64_t limit, start, end, sum = 0;

	limit = w->mem->size > w->offset ? w->mem->size - w->offset : 0;
	if (off >= limit)
		return 0;
	start = w->offset + off;
	end = w->offset + (len > limit - off ? limit : off + len);
	while (start < end) {
		off_t d = lseek(w->mem->fd, (off_t)start, SEEK_DATA), h;

		if (d < 0 || (uint64_t)d >= end)
			break;
		h = lseek(w->mem->fd, d, SEEK_HOLE);
		if (h < 0 || (uint64_t)h > end)
			h = (off_t)end;
		sum += (uint64_t)(h - d);
		start = (uint64_t)h;
	}
	return sum;
}

/*
 * The attribution of [off, off + len) of v (page-aligned), whose
 * committed bytes are `committed`: the pages no relative shares are
 * private, each page counts 1/sharers in the scaled bytes.
 */
static void
attribute(const struct vmo *v, uint64_t off, uint64_t len, uint64_t committed,
    struct vmo_attrib *a)
{
	struct relative rel[ATTRIB_MAX_RELATIVES];
	uint64_t page = vmo_page_size(), end = vmo_size(v);
	char *buf_a = NULL, *buf_b = NULL;
	size_t n;

	if (len < end - off)
		end = off + len;
	a->committed = committed;
	a->private_bytes = committed;
	a->scaled = committed;
	a->fraction = 0;
	if (committed == 0 || !owns_pages(v))
		return;
	n = relatives_of(v, rel, ATTRIB_MAX_RELATIVES);
	if (n == 0)
		return;
	if (n > ATTRIB_MAX_RELATIVES || committed / page > ATTRIB_MAX_PAGES ||
	    (buf_a = malloc(page)) == NULL || (buf_b = malloc(page)) == NULL) {
		a->fraction = UINT64_MAX;
		free(buf_a);
		return;
	}
	a->private_bytes = 0;
	a->scaled = 0;
	for (; off < end; off += page) {
		off_t d = lseek(v->mem->fd, (off_t)(v->offset + off), SEEK_DATA);
		unsigned sharers = 1;

		if (d < 0)
			break;		/* no data past here */
		if ((uint64_t)d >= v->offset + off + page) {
			/* Skip the hole in one step. */
			off = ((uint64_t)d - v->offset) / page * page - page;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			int64_t o = (int64_t)off + rel[i].delta;

			if (o < 0 || (uint64_t)o + page > vmo_size(rel[i].vmo))
				continue;
			if (committed_at(rel[i].vmo, (uint64_t)o, page) &&
			    same_page(v, off, rel[i].vmo, (uint64_t)o, page,
			    buf_a, buf_b))
				sharers++;
		}
		if (sharers == 1)
			a->private_bytes += page;
		add_share(page, sharers, &a->scaled, &a->fraction);
	}
	free(buf_a);
	free(buf_b);
}

void
vmo_attribute_range(const struct vmo *v, uint64_t off, uint64_t len,
    struct vmo_attrib *a)
{
	attribute(v, off, len, owns_pages(v) ? committed_in(v, off, len) : 0,
	    a);
}

void
vmo_attribute(const struct vmo *v, zx_info_vmo_t *info)
{
	uint64_t committed = vmo_committed_bytes(v);
	struct vmo_attrib a;

	attribute(v, 0, vmo_size(v), committed, &a);
	info->committed_bytes = committed;
	info->populated_bytes = committed;
	info->committed_private_bytes = a.private_bytes;
	info->populated_private_bytes = a.private_bytes;
	info->committed_scaled_bytes = a.scaled;
	info->populated_scaled_bytes = a.scaled;
	info->committed_fractional_scaled_bytes = a.fraction;
	info->populated_fractional_scaled_bytes = a.fraction;
	info->metadata_bytes = (committed / vmo_page_size() +
	    PAGE_LIST_FANOUT - 1) / PAGE_LIST_FANOUT * PAGE_LIST_NODE_BYTES;
}
