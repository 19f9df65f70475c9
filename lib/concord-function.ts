/**
 * A Concord Lambda function: bundled from a TypeScript entry with esbuild (locally, no Docker),
 * arm64, source maps on, its own log group with a retention, and its own role that holds only
 * what the caller grants (no AWS managed policy: the role may write to its log group, nothing else).
 */
import * as path from 'node:path';
import { Validations, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export const REPO_ROOT = path.resolve(__dirname, '..');

/** Node 22 is the newest runtime the project builds and tests for (package.json engines: >=20). */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_22_X;

export const POWERTOOLS_METRICS_NAMESPACE = 'Concord';

export interface ConcordFunctionProps {
  /** Module path relative to the repository root, exporting `handler`. */
  entry: string;
  description: string;
  /** Becomes POWERTOOLS_SERVICE_NAME. */
  serviceName: string;
  timeout: Duration;
  memorySize?: number;
  environment?: Record<string, string>;
  /** Where failed asynchronous invocations go (EventBridge-invoked functions). */
  deadLetterQueue?: lambda.FunctionProps['deadLetterQueue'];
}

export class ConcordFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ConcordFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    // Replaces AWSLambdaBasicExecutionRole: the log group exists already, so CreateLogGroup and
    // access to every other log group are not needed.
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE,
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings, not the sources; this keeps the bundles small.
        sourcesContent: false,
        target: 'node22',
        format: OutputFormat.CJS,
        // The SDK is bundled rather than taken from the runtime so AWS runs the versions the
        // tests ran.
        externalModules: [],
        forceDockerBundling: false,
      },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: `Pinned to ${FUNCTION_RUNTIME.name}, the newest Node.js the project targets and tests (esbuild target node22, engines >=20); moving to a newer runtime is a deliberate upgrade, not drift at deploy time.`,
    });
  }
}
