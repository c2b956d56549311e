import { type Static, Type } from '@sinclair/typebox';
import { Body } from './common';

/**
 * An API's OpenAPI reference as the portal's pages show it: plain strings only (the pages print every one as text,
 * so nothing in a document can become markup or script), read from OpenAPI 3 or Swagger 2, JSON or YAML.
 */

export interface ReferenceParameter {
  name: string;
  /** path, query, header, cookie (or Swagger 2's body, formData). */
  in: string;
  required: boolean;
  /** The schema's type (`string`, `array of integer`), when the document says. */
  type: string | null;
  description: string | null;
}

export interface ReferenceResponse {
  /** `200`, `4XX`, `default`. */
  status: string;
  description: string | null;
}

export interface ReferenceOperation {
  /** Upper case, as a request line has it. */
  method: string;
  path: string;
  summary: string | null;
  description: string | null;
  deprecated: boolean;
  parameters: ReferenceParameter[];
  /** The media types of its request body; empty when it takes none. */
  request_body_types: string[];
  responses: ReferenceResponse[];
}

export interface ApiReference {
  title: string | null;
  version: string | null;
  description: string | null;
  operations: ReferenceOperation[];
  /** Why the document could not be read (it is then shown as nothing else); null when it could. */
  unreadable: string | null;
}

/** A published API as its portal page shows it. */
export interface ApiPage {
  id: string;
  name: string;
  description: string | null;
  version: string | null;
  /** The display name of the auth strategy its applications use; null: it takes no registrations. */
  strategy_name: string | null;
  /** Whether a request for access is approved at once. */
  auto_approve: boolean;
  /** Its OpenAPI reference; null: it has no document. */
  reference: ApiReference | null;
}

/** One of the viewer's applications as "Use this API" offers it. */
export interface UsableApplication {
  id: string;
  name: string;
  /** The status of its open or last request for this API; null: it has none. */
  registration_status: string | null;
  /** Whether it can ask for access now (it has no open request). */
  can_request: boolean;
}

/** What "Use this API" shows: the API, and the developer's applications of its auth strategy. */
export interface UseThisApi {
  api: ApiPage;
  applications: UsableApplication[];
}

/** The Use this API form: which of my applications asks for access (none chosen: the form says so). */
export const AccessRequestForm = Body({ application_id: Type.Optional(Type.String({ format: 'uuid' })) });
export type AccessRequestForm = Static<typeof AccessRequestForm>;
