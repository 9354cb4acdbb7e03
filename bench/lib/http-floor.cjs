'use strict';
// A reference "checker" for bench/lib/client-choice.js: its first call loads
// node:http and sends one unsigned POST to the table endpoint, then passes the
// request. The cold cost of any first DynamoDB read over node:http in a fresh
// process has this as its floor; the rows above it add signing, JSON and the
// checker's own code.
exports.handler = (event) =>
  new Promise((resolve, reject) => {
    const http = require('node:http');
    const endpoint = new URL(process.env.COGCF_ENDPOINT);
    const req = http.request({ method: 'POST', host: endpoint.hostname, port: endpoint.port, path: '/' }, (res) => {
      res.resume();
      res.on('end', () => resolve(event.Records[0].cf.request));
    });
    req.on('error', reject);
    req.end('{}');
  });
