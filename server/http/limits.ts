/**
 * The largest request body the app reads, whichever way it comes in: tRPC calls, webhook
 * bodies, sign-in forms and socket.io messages. A larger one is refused with a 413 (a socket
 * that sends one is closed) before anything is parsed or stored.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

export const BODY_TOO_LARGE = `the body is larger than ${MAX_BODY_BYTES} bytes (1 MiB), the limit for a request`;
