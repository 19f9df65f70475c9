// Lambdas run on Node 22; the local runtime may run on Node 20, where the SDK warns on every client.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
