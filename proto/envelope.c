/*
 * Packing the envelopes (Request, Reply) without walking their oneof.
 *
 * protobuf-c packs, sizes, unpacks and frees a message by visiting every
 * field its descriptor declares; Request and Reply declare a hundred-odd
 * oneof members, of which one is set, so each call paid for a hundred
 * (a third of a call's instructions, on each side: doc/DATAPATH.md). The
 * wire format does not change: an envelope is its few plain fields and
 * the one member that is set, packed or unpacked by protobuf-c itself.
 * Plain fields may be scalars, repeated messages, or repeated uint64
 * (packed), and one `bytes` field, the *tail*: packed after the oneof
 * member (protobuf-c packs by field number, so its number must be the
 * highest), it is the end of the packet, and envelope_pack_head leaves
 * its bytes out for the sender to send from where they are (a second
 * iovec, which the kernel reads: proto/wire.c). A descriptor with a field of a shape not handled here (a
 * string, a fixed64, a scalar oneof member) is left to protobuf-c whole,
 * which costs every call on it the walk above: keep the envelopes'
 * plain fields to these shapes (tests/unit/wire checks they are).
 */
#include "config-build.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "proto/envelope.h"

#define MAX_PLAIN	8

/* What is known of one descriptor: its plain (non-oneof) fields, and
 * whether every field has a shape this file handles. */
struct shape {
	const ProtobufCMessageDescriptor *desc;
	bool fast;
	unsigned nplain;
	const ProtobufCFieldDescriptor *plain[MAX_PLAIN];
	const ProtobufCFieldDescriptor *tail;	/* or NULL */
};

static __thread struct shape shapes[4];

static bool
plain_ok(const ProtobufCFieldDescriptor *f)
{
	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return f->type == PROTOBUF_C_TYPE_MESSAGE ||
		    f->type == PROTOBUF_C_TYPE_UINT64;
	if (f->label != PROTOBUF_C_LABEL_NONE)
		return false;
	switch (f->type) {
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_BOOL:
		return true;
	default:
		return false;
	}
}

static const struct shape *
shape_of(const ProtobufCMessageDescriptor *desc)
{
	struct shape *s = NULL;

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		if (shapes[i].desc == desc)
			return &shapes[i];
		if (shapes[i].desc == NULL && s == NULL)
			s = &shapes[i];
	}
	if (s == NULL)
		return NULL;
	s->desc = desc;
	s->fast = true;
	s->nplain = 0;
	s->tail = NULL;
	for (unsigned i = 0; i < desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &desc->fields[i];

		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			if (f->type != PROTOBUF_C_TYPE_MESSAGE)
				s->fast = false;
		} else if (f->type == PROTOBUF_C_TYPE_BYTES &&
		    f->label == PROTOBUF_C_LABEL_NONE && s->tail == NULL &&
		    i == desc->n_fields - 1) {
			s->tail = f;
		} else if (!plain_ok(f) || s->nplain == MAX_PLAIN) {
			s->fast = false;
		} else {
			s->plain[s->nplain++] = f;
		}
	}
	return s;
}

/* Field number id of desc: where field numbers run 1, 2, 3, ... (most
 * messages) it is at index id - 1; otherwise protobuf-c's search. */
static const ProtobufCFieldDescriptor *
field_of(const ProtobufCMessageDescriptor *desc, unsigned id)
{
	if (id - 1 < desc->n_fields && desc->fields[id - 1].id == id)
		return &desc->fields[id - 1];
	return protobuf_c_message_descriptor_get_field(desc, id);
}

static void *
member(const ProtobufCMessage *m, unsigned offset)
{
	return (char *)m + offset;
}

/* The oneof member that is set: only messages' oneofs are handled, and
 * an envelope has one oneof, whose case word all members share. */
static const ProtobufCFieldDescriptor *
set_member(const ProtobufCMessage *m, const ProtobufCMessage **sub)
{
	const ProtobufCMessageDescriptor *desc = m->descriptor;
	const ProtobufCFieldDescriptor *f;
	uint32_t which;

	for (unsigned i = 0; i < desc->n_fields; i++) {
		f = &desc->fields[i];
		if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			continue;
		memcpy(&which, member(m, f->quantifier_offset), sizeof(which));
		if (which == 0)
			return NULL;
		f = field_of(desc, which);
		if (f == NULL)
			return NULL;
		memcpy(sub, member(m, f->offset), sizeof(*sub));
		return *sub != NULL ? f : NULL;
	}
	return NULL;
}

/* --- encoding --------------------------------------------------------- */

static size_t
varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static size_t
put_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

/* A plain scalar's value as its varint (0: not sent, proto3). */
static uint64_t
scalar_value(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
	const void *p = member(m, f->offset);
	uint32_t u32;
	int32_t i32;
	uint64_t u64;
	protobuf_c_boolean b;

	switch (f->type) {
	case PROTOBUF_C_TYPE_UINT64:
		memcpy(&u64, p, sizeof(u64));
		return u64;
	case PROTOBUF_C_TYPE_UINT32:
		memcpy(&u32, p, sizeof(u32));
		return u32;
	case PROTOBUF_C_TYPE_INT32:
		memcpy(&i32, p, sizeof(i32));
		return (uint64_t)(int64_t)i32;
	case PROTOBUF_C_TYPE_SINT32:
		memcpy(&i32, p, sizeof(i32));
		return (uint32_t)((uint32_t)i32 << 1) ^ (uint32_t)(i32 >> 31);
	default:
		memcpy(&b, p, sizeof(b));
		return b != 0;
	}
}

/* A scalar field of value v (its varint), packed: nothing for 0, as
 * proto3 sends no default; out == NULL sizes it. */
static size_t
scalar_field(const ProtobufCFieldDescriptor *f, uint64_t v, uint8_t *out)
{
	size_t n;

	if (v == 0)
		return 0;
	if (out == NULL)
		return varint_size((uint64_t)f->id << 3) + varint_size(v);
	n = put_varint(out, (uint64_t)f->id << 3);
	return n + put_varint(out + n, v);
}

/*
 * Flat messages: every field a plain scalar (no repeated field, no
 * oneof, no bytes), such as HandleDesc or most call bodies. A reply
 * bringing handles carries one HandleDesc each, which protobuf-c sized
 * and packed by walking its descriptor (about 1,700 of the daemon's
 * instructions per handle); these pack, size and unpack them directly,
 * to the same bytes (fields in the descriptor's order, zeros left out,
 * as protobuf-c does for proto3).
 */
struct flat {
	const ProtobufCMessageDescriptor *desc;
	bool flat;
};

static __thread struct flat flats[16];

static bool
flat_compute(const ProtobufCMessageDescriptor *desc)
{
	for (unsigned i = 0; i < desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &desc->fields[i];

		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
		    f->label != PROTOBUF_C_LABEL_NONE || !plain_ok(f))
			return false;
	}
	return true;
}

static bool
is_flat(const ProtobufCMessageDescriptor *desc)
{
	size_t i;

	for (i = 0; i < sizeof(flats) / sizeof(flats[0]); i++) {
		if (flats[i].desc == desc)
			return flats[i].flat;
		if (flats[i].desc == NULL)
			break;
	}
	if (i == sizeof(flats) / sizeof(flats[0]))
		return flat_compute(desc);	/* the cache is full */
	flats[i].desc = desc;
	flats[i].flat = flat_compute(desc);
	return flats[i].flat;
}

/* A flat message's fields: out == NULL sizes them. */
static size_t
flat_encode(const ProtobufCMessage *m, uint8_t *out)
{
	const ProtobufCMessageDescriptor *desc = m->descriptor;
	size_t n = 0;

	for (unsigned i = 0; i < desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &desc->fields[i];

		n += scalar_field(f, scalar_value(m, f),
		    out == NULL ? NULL : out + n);
	}
	return n;
}

/* A sub-message's packed size, and its packing. */
static size_t
sub_size(const ProtobufCMessage *m)
{
	if (is_flat(m->descriptor))
		return flat_encode(m, NULL);
	return protobuf_c_message_get_packed_size(m);
}

/* Field `id`'s tag, length and sub-message m, packed. A flat one is
 * packed once, its length put in front after (one byte below 128, the
 * usual, which needs no move), instead of being walked twice. */
static size_t
put_sub(uint8_t *out, uint32_t id, const ProtobufCMessage *m)
{
	size_t n = put_varint(out, ((uint64_t)id << 3) | 2), len, k;

	if (!is_flat(m->descriptor)) {
		len = protobuf_c_message_get_packed_size(m);
		n += put_varint(out + n, len);
		return n + protobuf_c_message_pack(m, out + n);
	}
	len = flat_encode(m, out + n + 1);
	k = varint_size(len);
	if (k > 1)
		memmove(out + n + k, out + n + 1, len);
	return n + put_varint(out + n, len) + len;
}

/* A repeated uint64, packed: out == NULL sizes it. */
static size_t
encode_u64s(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
    uint8_t *out)
{
	size_t count, len = 0, n = 0;
	const uint64_t *arr;

	memcpy(&count, member(m, f->quantifier_offset), sizeof(count));
	memcpy(&arr, member(m, f->offset), sizeof(arr));
	if (count == 0)
		return 0;
	for (size_t k = 0; k < count; k++)
		len += varint_size(arr[k]);
	if (out == NULL)
		return varint_size((uint64_t)f->id << 3) + varint_size(len) +
		    len;
	n += put_varint(out + n, ((uint64_t)f->id << 3) | 2);
	n += put_varint(out + n, len);
	for (size_t k = 0; k < count; k++)
		n += put_varint(out + n, arr[k]);
	return n;
}

/* The tail's bytes (len 0: none). */
static ProtobufCBinaryData
tail_of(const struct shape *s, const ProtobufCMessage *m)
{
	ProtobufCBinaryData b = { 0, NULL };

	if (s->tail != NULL)
		memcpy(&b, member(m, s->tail->offset), sizeof(b));
	return b;
}

/* Walk the fields to send: out == NULL sizes them. With `head`, the
 * tail's bytes are left out (its tag and length are not). */
static size_t
encode(const struct shape *s, const ProtobufCMessage *m, uint8_t *out,
    bool head)
{
	ProtobufCBinaryData t = tail_of(s, m);
	const ProtobufCMessage *sub;
	const ProtobufCFieldDescriptor *f;
	size_t n = 0;

	for (unsigned i = 0; i < s->nplain; i++) {
		f = s->plain[i];
		if (f->label == PROTOBUF_C_LABEL_REPEATED &&
		    f->type == PROTOBUF_C_TYPE_UINT64) {
			n += encode_u64s(m, f, out == NULL ? NULL : out + n);
		} else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t count;
			ProtobufCMessage **arr;

			memcpy(&count, member(m, f->quantifier_offset),
			    sizeof(count));
			memcpy(&arr, member(m, f->offset), sizeof(arr));
			for (size_t k = 0; k < count; k++) {
				size_t len;

				if (out != NULL) {
					n += put_sub(out + n, f->id, arr[k]);
					continue;
				}
				len = sub_size(arr[k]);
				n += varint_size((uint64_t)f->id << 3) +
				    varint_size(len) + len;
			}
		} else {
			n += scalar_field(f, scalar_value(m, f),
			    out == NULL ? NULL : out + n);
		}
	}
	f = set_member(m, &sub);
	if (f != NULL && out != NULL) {
		n += put_sub(out + n, f->id, sub);
	} else if (f != NULL) {
		size_t len = sub_size(sub);

		n += varint_size((uint64_t)f->id << 3) + varint_size(len) +
		    len;
	}
	if (t.len == 0)
		return n;
	if (out == NULL)
		return n + varint_size((uint64_t)s->tail->id << 3) +
		    varint_size(t.len) + (head ? 0 : t.len);
	n += put_varint(out + n, ((uint64_t)s->tail->id << 3) | 2);
	n += put_varint(out + n, t.len);
	if (!head) {
		memcpy(out + n, t.data, t.len);
		n += t.len;
	}
	return n;
}

bool
envelope_fast(const ProtobufCMessageDescriptor *desc)
{
	const struct shape *s = shape_of(desc);

	return s != NULL && s->fast;
}

/* Size (out == NULL) or pack m: envelope.c's walk where its shape
 * allows, protobuf-c's otherwise. With `head`, the tail's bytes are left
 * out. */
static size_t
size_or_pack(const ProtobufCMessage *m, uint8_t *out, bool head)
{
	const struct shape *s = shape_of(m->descriptor);

	if (s != NULL && s->fast)
		return encode(s, m, out, head);
	return out == NULL ? protobuf_c_message_get_packed_size(m) :
	    protobuf_c_message_pack(m, out);
}

size_t
envelope_packed_size(const ProtobufCMessage *m)
{
	return size_or_pack(m, NULL, false);
}

size_t
envelope_pack(const ProtobufCMessage *m, uint8_t *out)
{
	return size_or_pack(m, out, false);
}

size_t
envelope_head_size(const ProtobufCMessage *m)
{
	return size_or_pack(m, NULL, true);
}

size_t
envelope_pack_head(const ProtobufCMessage *m, uint8_t *out,
    ProtobufCBinaryData *tail)
{
	const struct shape *s = shape_of(m->descriptor);

	tail->len = 0;
	tail->data = NULL;
	if (s == NULL || !s->fast)
		return protobuf_c_message_pack(m, out);
	*tail = tail_of(s, m);
	return encode(s, m, out, true);
}

/* --- decoding --------------------------------------------------------- */

static bool
get_varint(const uint8_t **p, const uint8_t *end, uint64_t *ret)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (*p >= end)
			return false;
		b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*ret = v;
			return true;
		}
	}
	return false;
}

static bool
skip(const uint8_t **p, const uint8_t *end, unsigned wiretype)
{
	uint64_t v;

	switch (wiretype) {
	case 0:
		return get_varint(p, end, &v);
	case 1:
		if (end - *p < 8)
			return false;
		*p += 8;
		return true;
	case 2:
		if (!get_varint(p, end, &v) || v > (uint64_t)(end - *p))
			return false;
		*p += v;
		return true;
	case 5:
		if (end - *p < 4)
			return false;
		*p += 4;
		return true;
	default:
		return false;
	}
}

static void
store_scalar(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
    uint64_t v)
{
	void *p = member(m, f->offset);
	uint32_t u32 = (uint32_t)v;
	int32_t i32;
	protobuf_c_boolean b = v != 0;

	switch (f->type) {
	case PROTOBUF_C_TYPE_UINT64:
		memcpy(p, &v, sizeof(v));
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_INT32:
		memcpy(p, &u32, sizeof(u32));
		break;
	case PROTOBUF_C_TYPE_SINT32:
		i32 = (int32_t)((u32 >> 1) ^ (uint32_t)-(int32_t)(u32 & 1));
		memcpy(p, &i32, sizeof(i32));
		break;
	default:
		memcpy(p, &b, sizeof(b));
		break;
	}
}

/* Room for one more element in a repeated field's array, grown by
 * doubling (counts 1, 2, 4, ... start a new size); its count, or
 * SIZE_MAX out of memory. */
static size_t
grow(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f, size_t elem,
    void **ret_arr)
{
	size_t count;
	void *arr;

	memcpy(&count, member(m, f->quantifier_offset), sizeof(count));
	memcpy(&arr, member(m, f->offset), sizeof(arr));
	if ((count & (count - 1)) == 0) {
		void *n = realloc(arr, (count ? 2 * count : 1) * elem);

		if (n == NULL)
			return SIZE_MAX;
		arr = n;
		memcpy(member(m, f->offset), &arr, sizeof(arr));
	}
	*ret_arr = arr;
	return count;
}

/* Append v to a repeated uint64. */
static bool
append_u64(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
    uint64_t v)
{
	void *arr;
	size_t count = grow(m, f, sizeof(uint64_t), &arr);

	if (count == SIZE_MAX)
		return false;
	((uint64_t *)arr)[count++] = v;
	memcpy(member(m, f->quantifier_offset), &count, sizeof(count));
	return true;
}

/* A repeated uint64: packed (wire type 2) or one value (type 0). */
static bool
decode_u64s(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
    unsigned wiretype, const uint8_t **p, const uint8_t *end)
{
	const uint8_t *stop;
	uint64_t v, len;

	if (wiretype == 0)
		return get_varint(p, end, &v) && append_u64(m, f, v);
	if (wiretype != 2 || !get_varint(p, end, &len) ||
	    len > (uint64_t)(end - *p))
		return false;
	stop = *p + len;
	while (*p < stop)
		if (!get_varint(p, stop, &v) || !append_u64(m, f, v))
			return false;
	return true;
}

/* The tail: copied, as protobuf-c would (the last on the wire wins). */
static bool
decode_bytes(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
    unsigned wiretype, const uint8_t **p, const uint8_t *end)
{
	ProtobufCBinaryData b;
	uint64_t v;

	if (wiretype != 2 || !get_varint(p, end, &v) ||
	    v > (uint64_t)(end - *p))
		return false;
	memcpy(&b, member(m, f->offset), sizeof(b));
	free(b.data);
	b.len = (size_t)v;
	b.data = v > 0 ? malloc((size_t)v) : NULL;
	if (v > 0 && b.data == NULL) {
		b.len = 0;
		memcpy(member(m, f->offset), &b, sizeof(b));
		return false;
	}
	if (v > 0)
		memcpy(b.data, *p, (size_t)v);
	*p += v;
	memcpy(member(m, f->offset), &b, sizeof(b));
	return true;
}

/* Free a sub-message: a flat one envelope.c made (no unknown fields
 * kept, nothing it points to) with free, any other by protobuf-c. */
static void
sub_free(ProtobufCMessage *m)
{
	if (m != NULL && m->n_unknown_fields == 0 && is_flat(m->descriptor))
		free(m);
	else
		protobuf_c_message_free_unpacked(m, NULL);
}

/* An empty message of type desc, as protobuf-c would allocate it (so
 * that protobuf_c_message_free_unpacked frees it), or NULL. */
static ProtobufCMessage *
new_message(const ProtobufCMessageDescriptor *desc)
{
	ProtobufCMessage *m = malloc(desc->sizeof_message);

	if (m != NULL)
		desc->message_init(m);
	return m;
}

/* The next field of a message being decoded: 1, with the field and its
 * wire type; 0 for an unknown field, skipped as protobuf-c does; -1 for
 * bytes that are no field. */
static int
next_field(const ProtobufCMessageDescriptor *desc, const uint8_t **p,
    const uint8_t *end, const ProtobufCFieldDescriptor **ret_f,
    unsigned *wiretype)
{
	uint64_t tag;

	if (!get_varint(p, end, &tag) || (tag >> 3) == 0 ||
	    (tag >> 3) > UINT32_MAX)
		return -1;
	*wiretype = (unsigned)(tag & 7);
	*ret_f = field_of(desc, (unsigned)(tag >> 3));
	if (*ret_f != NULL)
		return 1;
	return skip(p, end, *wiretype) ? 0 : -1;
}

/* A sub-message: a flat one decoded here, any other (or a flat one
 * this does not take: a field sent with another wire type) by
 * protobuf-c, which then decides. */
static ProtobufCMessage *
sub_unpack(const ProtobufCMessageDescriptor *desc, size_t len,
    const uint8_t *data)
{
	const uint8_t *p = data, *end = data + len;
	ProtobufCMessage *m;

	if (!is_flat(desc))
		return protobuf_c_message_unpack(desc, NULL, len, data);
	m = new_message(desc);
	if (m == NULL)
		return NULL;
	while (p < end) {
		const ProtobufCFieldDescriptor *f;
		unsigned wiretype;
		uint64_t v;
		int r = next_field(desc, &p, end, &f, &wiretype);

		if (r < 0)
			goto other;
		if (r == 0)
			continue;
		if (wiretype != 0 || !get_varint(&p, end, &v))
			goto other;
		store_scalar(m, f, v);
	}
	return m;
other:
	free(m);
	return protobuf_c_message_unpack(desc, NULL, len, data);
}

static bool
decode_field(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
    unsigned wiretype, const uint8_t **p, const uint8_t *end)
{
	ProtobufCMessage *sub;
	uint64_t v;

	if (f->label == PROTOBUF_C_LABEL_REPEATED &&
	    f->type == PROTOBUF_C_TYPE_UINT64)
		return decode_u64s(m, f, wiretype, p, end);
	if (f->type == PROTOBUF_C_TYPE_BYTES)
		return decode_bytes(m, f, wiretype, p, end);
	if (f->type != PROTOBUF_C_TYPE_MESSAGE) {
		if (wiretype != 0 || !get_varint(p, end, &v))
			return false;
		store_scalar(m, f, v);
		return true;
	}
	if (wiretype != 2 || !get_varint(p, end, &v) ||
	    v > (uint64_t)(end - *p))
		return false;
	sub = sub_unpack(f->descriptor, (size_t)v, *p);
	if (sub == NULL)
		return false;
	*p += v;
	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		void *arr;
		size_t count = grow(m, f, sizeof(sub), &arr);

		if (count == SIZE_MAX) {
			sub_free(sub);
			return false;
		}
		((ProtobufCMessage **)arr)[count++] = sub;
		memcpy(member(m, f->quantifier_offset), &count, sizeof(count));
		return true;
	}
	/* A oneof member: the last one on the wire wins. */
	{
		const ProtobufCMessage *cur;
		const ProtobufCFieldDescriptor *g = set_member(m, &cur);

		if (g != NULL) {
			sub_free((ProtobufCMessage *)cur);
			memset(member(m, g->offset), 0, sizeof(cur));
		}
	}
	memcpy(member(m, f->offset), &sub, sizeof(sub));
	memcpy(member(m, f->quantifier_offset), &f->id, sizeof(uint32_t));
	return true;
}

ProtobufCMessage *
envelope_unpack(const ProtobufCMessageDescriptor *desc, size_t len,
    const uint8_t *data)
{
	const struct shape *s = shape_of(desc);
	const uint8_t *p = data, *end = data + len;
	ProtobufCMessage *m;

	if (s == NULL || !s->fast)
		return protobuf_c_message_unpack(desc, NULL, len, data);
	m = new_message(desc);
	if (m == NULL)
		return NULL;
	while (p < end) {
		const ProtobufCFieldDescriptor *f;
		unsigned wiretype;
		int r = next_field(desc, &p, end, &f, &wiretype);

		if (r < 0)
			goto bad;
		if (r > 0 && !decode_field(m, f, wiretype, &p, end))
			goto bad;
	}
	return m;
bad:
	envelope_free(m);
	return NULL;
}

void
envelope_free(ProtobufCMessage *m)
{
	const struct shape *s;
	const ProtobufCMessage *sub;

	if (m == NULL)
		return;
	s = shape_of(m->descriptor);
	if (s == NULL || !s->fast) {
		protobuf_c_message_free_unpacked(m, NULL);
		return;
	}
	for (unsigned i = 0; i < s->nplain; i++) {
		const ProtobufCFieldDescriptor *f = s->plain[i];
		size_t count;
		ProtobufCMessage **arr;

		if (f->label != PROTOBUF_C_LABEL_REPEATED)
			continue;
		memcpy(&count, member(m, f->quantifier_offset), sizeof(count));
		memcpy(&arr, member(m, f->offset), sizeof(arr));
		for (size_t k = 0; k < count &&
		    f->type == PROTOBUF_C_TYPE_MESSAGE; k++)
			sub_free(arr[k]);
		free(arr);
	}
	if (set_member(m, &sub) != NULL)
		sub_free((ProtobufCMessage *)sub);
	free(tail_of(s, m).data);
	free(m);
}
