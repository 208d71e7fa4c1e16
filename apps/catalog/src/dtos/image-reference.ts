import { Matches } from 'class-validator';

/** An upload id or an http(s) URL of an image. */
export const IsImageReference = (each = false) =>
  Matches(/^([0-9A-HJKMNP-TV-Z]{26}|https?:\/\/[^\s"'<>]{1,500})$/, { each, message: 'images must be upload ids or http(s) URLs' });
