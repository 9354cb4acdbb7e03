// A viewer's request as CloudFront hands it to a viewer-request Lambda@Edge
// function: lower-case names mapping to `{key, value}` arrays, one entry per
// header line (so several Cookie headers stay apart), disallowed headers left
// out, and no body (the barrier's association has IncludeBody off).
import type { CloudFrontHeaders, CloudFrontRequestEvent } from 'aws-lambda';
import { isDisallowedHeader } from './edge-headers.js';
import type { ViewerRequest } from './viewer.js';

export interface DistributionInfo {
  readonly distributionDomainName: string;
  readonly distributionId: string;
}

export function viewerRequestEvent(viewer: ViewerRequest, distribution: DistributionInfo, requestId: string): CloudFrontRequestEvent {
  const headers: CloudFrontHeaders = {};
  for (const [key, value] of viewer.headerLines) {
    const name = key.toLowerCase();
    if (isDisallowedHeader(name)) continue;
    (headers[name] ??= []).push({ key, value });
  }
  return {
    Records: [
      {
        cf: {
          config: { ...distribution, eventType: 'viewer-request', requestId },
          request: { clientIp: viewer.clientIp, headers, method: viewer.method, querystring: viewer.query, uri: viewer.path },
        },
      },
    ],
  };
}
