// Points the AWS SDK for JavaScript v2 (`aws-sdk`) at Eddy without touching the handler.
//
// SDK v3 honours AWS_ENDPOINT_URL; v2 reads no endpoint variable. Eddy gives every Runtime API
// function NODE_OPTIONS="--require <this file>", so this runs before the runtime client loads
// the handler. It watches Node's module loader: the first time a copy of aws-sdk is loaded
// (`require('aws-sdk')`, `require('aws-sdk/clients/dynamodb')`, or an ES module import of
// it), it sets that copy's global endpoint to AWS_ENDPOINT_URL (AWS_ENDPOINT_URL_<SERVICE>
// variables are not read by v2 either, so only the global one is used). A handler that sets
// its own endpoint still wins: constructor options override the global configuration.
// Without AWS_ENDPOINT_URL, or in a process that never loads aws-sdk, it does nothing.
'use strict';

const Module = require('module');
const path = require('path');

const endpoint = process.env.AWS_ENDPOINT_URL;
if (endpoint) {
  const configured = new Set(); // aws-sdk package directories already pointed at Eddy
  const originalLoad = Module._load;

  // The package directory of an aws-sdk copy, from a request and the module that made it.
  const packageDirectory = (request, parent) => {
    let file;
    if (request === 'aws-sdk' || request.startsWith('aws-sdk/')) {
      try {
        file = Module._resolveFilename(request, parent);
      } catch {
        return undefined;
      }
    } else if (path.isAbsolute(request)) {
      file = request; // an ES module import reaches the CommonJS loader with a file name
    } else {
      return undefined;
    }
    const marker = `${path.sep}node_modules${path.sep}aws-sdk${path.sep}`;
    const at = file.lastIndexOf(marker);
    return at < 0 ? undefined : file.slice(0, at + marker.length - 1);
  };

  Module._load = function load(request, parent, isMain) {
    const exports = originalLoad.apply(this, arguments);
    const directory = packageDirectory(request, parent);
    if (directory && !configured.has(directory)) {
      configured.add(directory);
      // lib/core holds the AWS namespace (AWS.config) shared by every client of this copy.
      const AWS = originalLoad.call(this, path.join(directory, 'lib', 'core.js'), parent, false);
      if (AWS && AWS.config && typeof AWS.config.update === 'function') {
        AWS.config.update({ endpoint });
      }
    }
    return exports;
  };
}
