// The one place AWS SDK clients are made. The SDK finds credentials itself
// (environment, profile, SSO, instance role) and honours AWS_ENDPOINT_URL,
// which the tests point at a local moto server.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';

export interface AwsClients {
  readonly region: string;
  readonly s3: S3Client;
  readonly cloudFormation: CloudFormationClient;
  readonly cognitoIdp: CognitoIdentityProviderClient;
  readonly sts: STSClient;
}

export interface ClientOptions {
  readonly region: string;
  /** Overrides AWS_ENDPOINT_URL, e.g. a local moto server in tests. */
  readonly endpoint?: string;
  readonly maxAttempts?: number;
}

export function awsClients(options: ClientOptions): AwsClients {
  const config = {
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    maxAttempts: options.maxAttempts ?? 5,
  };
  return {
    region: options.region,
    // Path-style: bucket names with dots, and local endpoints, need it.
    s3: new S3Client({ ...config, forcePathStyle: true }),
    cloudFormation: new CloudFormationClient(config),
    cognitoIdp: new CognitoIdentityProviderClient(config),
    sts: new STSClient(config),
  };
}
