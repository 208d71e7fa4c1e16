import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { createValidationPipe } from './validation-pipe';

class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

describe('createValidationPipe', () => {
  const pipe = createValidationPipe();
  const asQuery = { type: 'query' as const, metatype: PageQuery };

  it('remembers a valid query but hands each request its own copy', async () => {
    const first = (await pipe.transform({ limit: '5' }, asQuery)) as PageQuery;
    first.limit = 99;
    const second = (await pipe.transform({ limit: '5' }, asQuery)) as PageQuery;
    expect(second).toBeInstanceOf(PageQuery);
    expect(second.limit).toBe(5);
    expect(second).not.toBe(first);
  });

  it('still refuses what it has not seen valid, and unknown fields', async () => {
    await pipe.transform({ limit: '5' }, asQuery);
    await expect(pipe.transform({ limit: '500' }, asQuery)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(pipe.transform({ limit: '5', extra: '1' }, asQuery)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(pipe.transform({ limit: '5', constructor: '1' }, asQuery)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
