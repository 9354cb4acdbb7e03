// The `/_identity/*` cache behaviour: the checker stack's viewer-host
// CloudFront Function on the viewer request, and an origin that is an HTTP
// API in front of the session manager. CloudFront forwards it every viewer
// header but Host (the managed policy AllViewerExceptHostHeader), so the
// function copies the viewer's host into X-Forwarded-Host for the manager to
// tell which of its sites the request is for.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isDisallowedHeader } from './edge-headers.js';
import type { CloudFrontFunction } from './cloudfront-function.js';
import { cloudFrontErrorPage, explain, InvalidResultError } from './edge-failures.js';
import { API_DOMAIN, apiGatewayError, httpApiEvent, httpApiResponse } from './http-api-event.js';
import type { HeaderLine } from './header-lines.js';
import { invoke } from './invoke.js';
import { toOriginHeaders } from './origin-headers.js';
import { readBody } from './read-body.js';
import { answer } from './send-response.js';
import type { Behaviour } from './viewer.js';

export interface ManagerBehaviourDeps {
  readonly manager: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
  readonly managerMs: number;
  readonly viewerFunction: CloudFrontFunction;
}

/** The manager's share of the request body; a larger one gets 413 before the function runs. */
export const MAX_MANAGER_BODY_BYTES = 1024 * 1024;

export function createManagerBehaviour(deps: ManagerBehaviourDeps): Behaviour {
  return async (req, res, viewer, requestId) => {
    const body = await readBody(req, MAX_MANAGER_BODY_BYTES);
    if (body === undefined) {
      const tooLarge = apiGatewayError(413, 'Request Entity Too Large');
      // The rest of the upload is not read: end the connection after answering.
      return answer(res, { ...tooLarge, headerLines: [...tooLarge.headerLines, ['Connection', 'close']] }, requestId);
    }
    let functionLines: HeaderLine[];
    try {
      functionLines = deps.viewerFunction(viewer, requestId);
    } catch (e) {
      return answer(res, cloudFrontErrorPage(503, 'The CloudFront function associated with the request failed.', requestId), requestId, `viewer-request function failed: ${explain(e)}`);
    }
    const viewerLines = functionLines.filter(([name]) => !isDisallowedHeader(name.toLowerCase()));
    const headerLines = toOriginHeaders(viewerLines, { host: API_DOMAIN, clientIp: viewer.clientIp, requestId });

    const { method, path, query, clientIp } = viewer;
    const event = httpApiEvent({ method, path, query, sourceIp: clientIp, headerLines, body, now: Date.now() });
    const run = await invoke(deps.manager, event, deps.managerMs);
    if (!run.ok) {
      return run.failure === 'timeout'
        ? answer(res, apiGatewayError(503, 'Service Unavailable'), requestId, 'manager timed out')
        : answer(res, apiGatewayError(502, 'Internal Server Error'), requestId, `manager failed: ${explain(run.error)}`);
    }
    try {
      return answer(res, httpApiResponse(run.result), requestId);
    } catch (e) {
      if (!(e instanceof InvalidResultError)) throw e;
      return answer(res, apiGatewayError(502, 'Internal Server Error'), requestId, `manager result is malformed: ${e.message}`);
    }
  };
}
