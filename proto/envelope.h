/* Packing Request and Reply without visiting every oneof member
 * (proto/envelope.c); the same bytes as protobuf-c's. */
#ifndef ZXD_PROTO_ENVELOPE_H
#define ZXD_PROTO_ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

size_t envelope_packed_size(const ProtobufCMessage *m);
/* Pack into out (envelope_packed_size(m) bytes); returns the length. */
size_t envelope_pack(const ProtobufCMessage *m, uint8_t *out);
/* The same without the tail's bytes (proto/envelope.c), which the
 * sender sends right after the head: *tail says where they are (len 0:
 * no tail). */
size_t envelope_head_size(const ProtobufCMessage *m);
size_t envelope_pack_head(const ProtobufCMessage *m, uint8_t *out,
    ProtobufCBinaryData *tail);
/* Unpack with the default allocator; NULL if the bytes do not parse. */
ProtobufCMessage *envelope_unpack(const ProtobufCMessageDescriptor *desc,
    size_t len, const uint8_t *data);
/* Free what envelope_unpack returned (NULL is fine). */
void envelope_free(ProtobufCMessage *m);
/* Whether messages of desc take the fast path (every plain field of a
 * shape this file handles), rather than protobuf-c's walk. */
bool envelope_fast(const ProtobufCMessageDescriptor *desc);

#endif
