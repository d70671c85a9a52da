/**
 * Walks the fields of one protobuf message inside a file without decoding it: for each
 * field it yields the field number, wire type and byte range. The reader uses it to step
 * over weight payloads (raw_data) and hand every small field to protobufjs for decoding.
 * Input is attacker-controlled: every length is checked against the enclosing message.
 */
import type { FileSource } from "./file-source.js";

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

export interface FieldRange {
  field: number;
  wireType: number;
  /** Offset of the field's tag: [start, end) is the whole field, re-decodable on its own. */
  start: number;
  /** Offset of the payload (after the length prefix for length-delimited fields). */
  payloadStart: number;
  end: number;
}

/**
 * Yields the fields of the message occupying [start, end) of `source`, in file order.
 * @throws ModelError MODEL_ONNX_MALFORMED on a bad tag, an unknown or group wire type, or
 *   a field that runs past the end of its message.
 */
export async function* scanFields(
  source: FileSource,
  start: number,
  end: number,
): AsyncGenerator<FieldRange> {
  let position = start;
  while (position < end) {
    const tag = await source.varint(position, end);
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (field < 1 || field > 0x1fffffff) throw source.malformed(position, `invalid field number ${field}`);
    let payloadStart = tag.next;
    let fieldEnd: number;
    switch (wireType) {
      case WIRE_VARINT:
        fieldEnd = (await source.varint(tag.next, end)).next;
        break;
      case WIRE_FIXED64:
        fieldEnd = tag.next + 8;
        break;
      case WIRE_FIXED32:
        fieldEnd = tag.next + 4;
        break;
      case WIRE_LENGTH_DELIMITED: {
        const length = await source.varint(tag.next, end);
        payloadStart = length.next;
        fieldEnd = length.next + length.value;
        break;
      }
      default:
        throw source.malformed(position, `unsupported wire type ${wireType}`);
    }
    if (fieldEnd > end) throw source.malformed(position, `field ${field} runs past the end of its message`);
    yield { field, wireType, start: position, payloadStart, end: fieldEnd };
    position = fieldEnd;
  }
}
