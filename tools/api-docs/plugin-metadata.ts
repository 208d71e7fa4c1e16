import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';
import { join, relative } from 'node:path';

/** Folder of the generated metadata, relative to the repository root. */
export const METADATA_DIR = 'tools/api-docs/generated';
/** The committed metadata file the document builder loads. */
export const METADATA_FILE = 'swagger-metadata.ts';

/**
 * Runs @nestjs/swagger's plugin over the sources (DTO classes in `*.dto.ts`, handlers in `*.controller.ts`) and writes what it
 * reads (property types, optionality, class-validator limits, JSDoc descriptions and examples, handler return types) as
 * `METADATA_DIR/filename`. The build is plain tsc, which cannot run the plugin as a transformer.
 */
export function writePluginMetadata(root: string, filename = METADATA_FILE): void {
  new PluginMetadataGenerator().generate({
    visitors: [
      new ReadonlyVisitor({
        pathToSource: join(root, METADATA_DIR),
        introspectComments: true,
        classValidatorShim: true,
        dtoFileNameSuffix: ['.dto.ts', 'pagination.ts'],
        controllerFileNameSuffix: ['.controller.ts'],
      }),
    ],
    outputDir: join(root, METADATA_DIR),
    filename,
    // The generator reads this path relative to the working directory only.
    tsconfigPath: relative(process.cwd(), join(root, 'tsconfig.build.json')),
    printDiagnostics: false,
  });
}
