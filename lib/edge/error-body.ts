/**
 * The one body every error answer has, wherever it comes from (GraphQL, a refusal before
 * Apollo, Node's HTTP parser, a plain route such as OCDS or a calendar feed): the graph's own
 * `{"errors":[{"message","extensions":{"code",…,"requestId"}}]}`, so a client reads every
 * failure the same way and can quote the request id.
 */
export interface ErrorBody {
  errors: [{ message: string; extensions: Record<string, unknown> & { code: string; requestId: string } }];
}

export function errorBody(message: string, code: string, requestId: string, extensions: Record<string, unknown> = {}): ErrorBody {
  return { errors: [{ message, extensions: { code, ...extensions, requestId } }] };
}
