import type { components } from '../../../../sdk/miniprogram/src/api-types';
import { ApiError } from './api-error';
import { refreshAccessToken } from './http-client';
import { loadSession } from './session-store';

export type Upload = components['schemas']['UploadDto'];

function sendFile(file: File, token: string | undefined, onProgress: (percent: number) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    // XMLHttpRequest: fetch reports no upload progress.
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/uploads?public=true');
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        // Not JSON (a proxy's page): ApiError.fromBody makes it UNEXPECTED_RESPONSE.
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', 'network error'));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

/** Uploads a public image (`POST /api/uploads?public=true`, multipart field `file`), reporting progress 0-100. */
export async function uploadImage(file: File, onProgress: (percent: number) => void = () => undefined): Promise<Upload> {
  let reply = await sendFile(file, loadSession()?.accessToken, onProgress);
  if (reply.status === 401 && ApiError.fromBody(401, reply.body).code === 'TOKEN_EXPIRED') {
    reply = await sendFile(file, await refreshAccessToken(), onProgress);
  }
  if (reply.status < 200 || reply.status >= 300) throw ApiError.fromBody(reply.status, reply.body);
  return reply.body as Upload;
}
