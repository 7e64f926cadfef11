/**
 * Canonical JSON for anything hashed or written as an artifact: object keys sorted (by UTF-16 code
 * units), no whitespace, numbers in JavaScript's shortest round-trip form (so a double survives a write
 * and a read bit for bit), non-finite numbers written as null, undefined object fields omitted.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? (Object.is(value, -0) ? '0' : String(value)) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v, i) => write(v, `${path}[${i}]`)).join(',')}]`;
      if (ArrayBuffer.isView(value)) {
        const arr = value as unknown as ArrayLike<number>;
        const parts: string[] = [];
        for (let i = 0; i < arr.length; i++) parts.push(write(arr[i], path));
        return `[${parts.join(',')}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write(obj[k], `${path}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new Error(`canonicalJson: expected JSON data, found a ${typeof value} at ${path}`);
  }
}
