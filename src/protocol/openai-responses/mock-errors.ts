/** The Responses API's error event inside a 200 stream, as the mock writes it (statuses are chat's). */

/** `event: error` with the API's flat error object (code, message, param). */
export function responsesStreamErrorEvent(): string {
  return (
    'event: error\n' +
    'data: {"type":"error","code":"server_error","message":"The server had an error while processing your request. Sorry about that!","param":null}\n\n'
  );
}
