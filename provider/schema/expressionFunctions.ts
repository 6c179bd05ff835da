/**
 * The functions Microsoft documents for attribute-mapping expressions, with how many arguments each
 * takes (positions, counting the empty ones: `Replace([a], , "x", , "", , )` has seven). Source:
 * MicrosoftDocs/entra-docs `docs/identity/app-provisioning/functions-for-customizing-application-data.md`.
 * Graph's own `GET …/schema/functions` is the authority at run time; this table lets `check` reject a
 * misspelt name offline, during preview.
 */

/** Argument positions a function accepts. */
export interface FunctionArity {
  min: number;
  /** Infinity for a repeating last parameter. */
  max: number;
  /** The argument count must be even (Switch: source, default, then key/value pairs). */
  even?: boolean;
}

const ONE: FunctionArity = { min: 1, max: 1 };

/** Documented function names (case-sensitive, as Graph reads them) and their arities. */
export const EXPRESSION_FUNCTIONS: Readonly<Record<string, FunctionArity>> = {
  Append: { min: 2, max: 2 },
  AppRoleAssignmentsComplex: ONE,
  BitAnd: { min: 2, max: 2 },
  CBool: ONE,
  CDate: ONE,
  Coalesce: { min: 1, max: Infinity },
  ConvertToBase64: ONE,
  ConvertToUTF8Hex: ONE,
  Count: ONE,
  CStr: ONE,
  DateAdd: { min: 3, max: 3 },
  DateDiff: { min: 3, max: 3 },
  DateFromNum: ONE,
  // (source, dateTimeStyles?, inputFormat, outputFormat); older docs show the 3-argument form.
  FormatDateTime: { min: 3, max: 4 },
  Guid: { min: 0, max: 0 },
  IgnoreFlowIfNullOrEmpty: ONE,
  IIF: { min: 3, max: 3 },
  InStr: { min: 2, max: 4 },
  IsNull: ONE,
  IsNullOrEmpty: ONE,
  IsPresent: ONE,
  IsString: ONE,
  Item: { min: 2, max: 2 },
  Join: { min: 2, max: Infinity },
  Left: { min: 2, max: 2 },
  Mid: { min: 3, max: 3 },
  NormalizeDiacritics: ONE,
  Not: ONE,
  Now: { min: 0, max: 0 },
  NumFromDate: ONE,
  PCase: { min: 1, max: 2 },
  RandomString: { min: 5, max: 6 },
  Redact: ONE,
  RemoveDuplicates: ONE,
  // (source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttributeName, template)
  Replace: { min: 2, max: 7 },
  SelectUniqueValue: { min: 2, max: Infinity },
  SingleAppRoleAssignment: ONE,
  Split: { min: 2, max: 2 },
  StripSpaces: ONE,
  Switch: { min: 4, max: Infinity, even: true },
  ToLower: { min: 1, max: 2 },
  ToUpper: { min: 1, max: 2 },
  Word: { min: 3, max: 3 },
};

/** Bare words the documentation uses as arguments (InStr's compareType). */
export const EXPRESSION_KEYWORDS: readonly string[] = ["vbTextCompare", "vbBinaryCompare"];

/** "2", "1 to 3", "2 or more", "an even number of 4 or more" arguments. */
export function describeArity(arity: FunctionArity): string {
  const n = (k: number) => `${k} argument${k === 1 ? "" : "s"}`;
  if (arity.even) return `an even number of arguments, at least ${arity.min}`;
  if (arity.max === Infinity) return `${arity.min} or more arguments`;
  if (arity.min === arity.max) return arity.min === 0 ? "no arguments" : n(arity.min);
  return `${arity.min} to ${arity.max} arguments`;
}
