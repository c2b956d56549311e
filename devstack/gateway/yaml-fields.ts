import { DeclarativeConfigError } from './entities';

/** A YAML mapping being validated, with its location in the file for error messages ("services[0].routes[1]"). */
export class YamlMapping {
  private constructor(
    readonly fields: Record<string, unknown>,
    readonly at: string,
    private readonly file: string,
  ) {}

  static of(value: unknown, at: string, file: string): YamlMapping {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DeclarativeConfigError(`${file}: ${at || 'the document'} must be a mapping`);
    }
    return new YamlMapping(value as Record<string, unknown>, at, file);
  }

  /** Kong refuses unknown fields; fields Kong knows but the dev gateway does not implement are refused too. */
  allowOnly(known: readonly string[], unsupported: readonly string[] = []): void {
    for (const field of Object.keys(this.fields)) {
      if (unsupported.includes(field)) this.fail(field, 'is not supported by the dev gateway (it is not Kong)');
      if (!known.includes(field)) this.fail(field, 'unknown field');
    }
  }

  fail(field: string, problem: string): never {
    throw new DeclarativeConfigError(`${this.file}: ${this.path(field)}: ${problem}`);
  }

  path(field: string): string {
    return this.at ? `${this.at}.${field}` : field;
  }

  has(field: string): boolean {
    return this.fields[field] !== undefined && this.fields[field] !== null;
  }

  string(field: string): string | undefined {
    const value = this.fields[field] ?? undefined;
    if (value !== undefined && (typeof value !== 'string' || value === '')) this.fail(field, 'must be a non-empty string');
    return value as string | undefined;
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.fields[field] ?? fallback;
    if (typeof value !== 'boolean') this.fail(field, 'must be a boolean');
    return value;
  }

  integer(field: string, fallback: number, min: number, max: number): number {
    const value = this.fields[field] ?? fallback;
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
      this.fail(field, `must be an integer from ${min} to ${max}`);
    }
    return value as number;
  }

  /** null when absent or empty, as Kong stores an unset array field. */
  strings(field: string): string[] | null {
    const value = this.fields[field] ?? undefined;
    if (value === undefined) return null;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
      this.fail(field, 'must be a list of non-empty strings');
    }
    return value.length > 0 ? [...(value as string[])] : null;
  }

  mapping(field: string): YamlMapping {
    return YamlMapping.of(this.fields[field], this.path(field), this.file);
  }

  /** The mappings of a list field (absent: none). */
  mappings(field: string): YamlMapping[] {
    const value = this.fields[field] ?? [];
    if (!Array.isArray(value)) this.fail(field, 'must be a list');
    return value.map((item, index) => YamlMapping.of(item, `${this.path(field)}[${index}]`, this.file));
  }

  /** A foreign key: `service: name` or `service: {name}` / `{id}`. */
  reference(field: string): string | undefined {
    const value = this.fields[field] ?? undefined;
    if (value === undefined || typeof value === 'string') return value;
    const target = this.mapping(field);
    target.allowOnly(['name', 'id']);
    return target.string('id') ?? target.string('name') ?? this.fail(field, 'must name an entity');
  }
}
