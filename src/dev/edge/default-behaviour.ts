// The default cache behaviour (`*`): the viewer-request function sees the
// request first; a generated response goes straight back to the viewer, a
// request goes on to the custom origin with the function's changes applied.
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from 'aws-lambda';
import type { Agent } from 'node:http';
import { applyRequestChanges } from './apply-request-changes.js';
import { cloudFrontErrorPage, explain, InvalidResultError } from './edge-failures.js';
import { isGeneratedResponse, validGeneratedResponse } from './edge-response.js';
import { headerLinesOf } from './header-map.js';
import { invoke } from './invoke.js';
import { toOriginHeaders } from './origin-headers.js';
import { proxyToOrigin } from './origin-proxy.js';
import { answer, sendResponse } from './send-response.js';
import { viewerRequestEvent, type DistributionInfo } from './viewer-request-event.js';
import type { Behaviour } from './viewer.js';

export interface DefaultBehaviourDeps {
  readonly checker: (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;
  readonly checkerMs: number;
  readonly distribution: DistributionInfo;
  /** `http://host:port[/origin-path]` */
  readonly origin: URL;
  readonly originAgent: Agent;
  readonly originMs: number;
}

export function createDefaultBehaviour(deps: DefaultBehaviourDeps): Behaviour {
  const originPath = deps.origin.pathname.replace(/\/$/, '');
  return async (req, res, viewer, requestId) => {
    const event = viewerRequestEvent(viewer, deps.distribution, requestId);
    // The function may edit the event in place; read-only headers are checked against this copy.
    const before = structuredClone(event.Records[0]!.cf.request.headers);
    const run = await invoke(deps.checker, event, deps.checkerMs);
    if (!run.ok) {
      const timedOut = run.failure === 'timeout';
      const what = timedOut ? `timed out after ${deps.checkerMs} ms` : 'failed';
      const page = cloudFrontErrorPage(503, `The Lambda function associated with the CloudFront distribution ${what}.`, requestId);
      return answer(res, page, requestId, timedOut ? 'checker timed out' : `checker failed: ${explain(run.error)}`);
    }
    const result = run.result;
    try {
      if (typeof result !== 'object' || result === null) throw new InvalidResultError('the function returned neither a request nor a response');
      if (isGeneratedResponse(result)) {
        const generated = validGeneratedResponse(result);
        sendResponse(res, generated, requestId, 'LambdaGeneratedResponse');
        return { status: generated.status };
      }
      const forwarded = applyRequestChanges(before, result);
      return await proxyToOrigin(req, res, deps.origin, deps.originAgent, {
        method: viewer.method,
        target: originPath + forwarded.uri + (forwarded.querystring === '' ? '' : `?${forwarded.querystring}`),
        headerLines: toOriginHeaders(headerLinesOf(forwarded.headers), { host: deps.origin.host, clientIp: viewer.clientIp, requestId }),
        requestId,
        timeoutMs: deps.originMs,
      });
    } catch (e) {
      if (!(e instanceof InvalidResultError)) throw e;
      const page = cloudFrontErrorPage(502, `The Lambda function result failed validation: ${e.message}.`, requestId);
      return answer(res, page, requestId, `checker result failed validation: ${e.message}`);
    }
  };
}
