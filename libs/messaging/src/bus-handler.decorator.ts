import { applyDecorators, Controller, UseInterceptors } from '@nestjs/common';
import { RequestContextInterceptor } from '#libs/logging';

/** Marks a class of @MessagePattern handlers: each message runs in the request context (request id) it carries. */
export const BusHandler = () => applyDecorators(Controller(), UseInterceptors(RequestContextInterceptor));
