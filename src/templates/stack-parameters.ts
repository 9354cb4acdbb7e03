// Parameter values of the two stacks, from the resolved barrier config and
// the uploaded bundles. CloudFormation list parameters are comma-separated.
import type { ResolvedConfig } from '../config/resolve-config.js';

/** An uploaded bundle: its object in the artifact bucket of the stack's region. */
export interface Artifact {
  readonly bucket: string;
  readonly key: string;
  /** SHA-256 of the zip, hex. */
  readonly sha256: string;
}

export interface ManagerStackInput {
  readonly config: ResolvedConfig;
  readonly manager: Artifact;
  readonly logRetentionDays?: number;
  /** The pool's domain serves managed login: the app client then needs a branding style. */
  readonly managedLogin: boolean;
}

export interface CheckerStackInput {
  /** The manager stack's `SessionTableArn` output. */
  readonly sessionTableArn: string;
  readonly checker: Artifact;
}

/** `https://app.example.com` → `app.example.com` (a deployable config has https origins only: see assertDeployable). */
const hostOf = (origin: string): string => new URL(origin).host;

export function managerStackParameters({ config, manager, logRetentionDays, managedLogin }: ManagerStackInput): Record<string, string> {
  const { cognito, table, origins } = config.manager;
  return {
    Domains: origins.map(hostOf).join(','),
    UserPoolId: cognito.userPoolId,
    IdentityProviders: config.appClient.identityProviders.join(','),
    OAuthScopes: cognito.scopes.join(','),
    SessionTableName: table.name,
    ArtifactBucket: manager.bucket,
    ManagerCodeKey: manager.key,
    ManagedLogin: String(managedLogin),
    ...(logRetentionDays === undefined ? {} : { LogRetentionDays: String(logRetentionDays) }),
  };
}

export function checkerStackParameters({ sessionTableArn, checker }: CheckerStackInput): Record<string, string> {
  return {
    SessionTableArn: sessionTableArn,
    ArtifactBucket: checker.bucket,
    CheckerCodeKey: checker.key,
    CheckerCodeHash: checker.sha256,
  };
}
