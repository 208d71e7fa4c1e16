import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';

const bytes = { '*/*': { schema: { type: 'string', format: 'binary' } } };
const header = (description: string) => ({ description, schema: { type: 'string' } });
const validators = {
  ETag: header("The bytes' SHA-256, quoted: send it back in If-None-Match or If-Range."),
  'Last-Modified': header('When the file was stored.'),
  'Cache-Control': header(
    '`public, max-age=31536000, immutable` for public files, `private, max-age=…` for private ones, `no-cache` for a thumbnail not made yet.',
  ),
  'Accept-Ranges': header('`bytes`.'),
};
const representation = {
  ...validators,
  'Content-Type': header('The type read from the bytes.'),
  'Content-Disposition': header('`inline` for images, video and audio, `attachment` otherwise, with the filename when there is one.'),
  'Content-Length': header('Bytes in this body.'),
};

/** What GET /api/uploads/:id/content answers: the bytes, one range of them, a 304, or a redirect to storage (the s3 driver with UPLOAD_S3_REDIRECT). */
export function ApiUploadContentResponses(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Range',
      required: false,
      description: 'One range, `bytes=start-end`, `bytes=start-` or `bytes=-suffix`; several ranges get the whole file.',
    }),
    ApiHeader({ name: 'If-Range', required: false, description: 'The ETag of a partial copy: the range is served only if the file still has it.' }),
    ApiHeader({ name: 'If-None-Match', required: false, description: 'ETags of a cached copy: 304 if one matches.' }),
    ApiResponse({ status: 200, description: 'The file (or its thumbnail).', content: bytes, headers: representation }),
    ApiResponse({
      status: 206,
      description: 'The range asked for.',
      content: bytes,
      headers: { ...representation, 'Content-Range': header('`bytes start-end/size`.') },
    }),
    ApiResponse({
      status: 302,
      description: 'The bytes are at a short-lived signed object-storage URL (s3 driver with redirects on).',
      headers: { Location: header('The signed URL.'), 'Cache-Control': header('`private, no-store`.') },
    }),
    ApiResponse({ status: 304, description: 'If-None-Match matched: the cached copy is current.', headers: validators }),
  );
}
