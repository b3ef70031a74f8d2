// A rule file that cannot be loaded. The message names the file and the construct (a modifier, a condition
// token, a metadata key), so a rule never ends up silently matching nothing.
export class RuleLoadError extends Error {
  override name = 'RuleLoadError';
  constructor(
    readonly file: string,
    readonly construct: string,
  ) {
    super(`${file}: ${construct}`);
  }
}
