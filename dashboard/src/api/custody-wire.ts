import type { CustodyEmit } from './types';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A 'custody' socket event: the UTF-8 bytes of one commit's leaves as JSON (server/api/live-socket.ts
 * encodeCustodyEmit). Browsers get an ArrayBuffer, Node a Buffer.
 */
export function decodeCustodyEmit(payload: ArrayBuffer | ArrayBufferView): CustodyEmit {
  const bytes = payload instanceof ArrayBuffer ? new Uint8Array(payload) : new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  return JSON.parse(utf8.decode(bytes)) as CustodyEmit;
}
