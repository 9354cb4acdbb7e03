// CloudFormation YAML to the JSON form CloudFormation itself works with: the
// short intrinsic tags (`!Ref X`, `!Sub [..]`, `!GetAtt A.B`) become their
// long forms (`{Ref: X}`, `{"Fn::Sub": [..]}`, `{"Fn::GetAtt": [A, B]}`).
import { parse, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

export type CfnTemplate = Record<string, unknown> & {
  readonly Parameters?: Record<string, { readonly Type: string; readonly Default?: unknown }>;
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { readonly Value: unknown }>;
};

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'And', 'Equals', 'If', 'Not', 'Or'];

const longName = (name: string): string => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`);

function tagsFor(name: string): Array<ScalarTag | CollectionTag> {
  const key = longName(name);
  return [
    { tag: `!${name}`, resolve: (value: string) => ({ [key]: value }) },
    { tag: `!${name}`, collection: 'seq', resolve: (seq: YAMLSeq) => ({ [key]: seq.toJSON() }) },
    { tag: `!${name}`, collection: 'map', resolve: (map: YAMLMap) => ({ [key]: map.toJSON() }) },
  ] as Array<ScalarTag | CollectionTag>;
}

const getAtt: Array<ScalarTag | CollectionTag> = [
  // `!GetAtt Resource.Attribute`: the attribute itself may contain dots.
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': splitOnce(value, '.') }) },
  { tag: '!GetAtt', collection: 'seq', resolve: (seq: YAMLSeq) => ({ 'Fn::GetAtt': seq.toJSON() }) },
] as Array<ScalarTag | CollectionTag>;

function splitOnce(value: string, separator: string): string[] {
  const at = value.indexOf(separator);
  return at < 0 ? [value] : [value.slice(0, at), value.slice(at + 1)];
}

const CUSTOM_TAGS = [...['Ref', 'Condition', ...FUNCTIONS].flatMap(tagsFor), ...getAtt];

export function parseCfnYaml(text: string): CfnTemplate {
  return parse(text, { customTags: CUSTOM_TAGS, version: '1.1' }) as CfnTemplate;
}
