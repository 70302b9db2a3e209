import { useEffect, useState, type ReactNode } from 'react';
import { useImport } from '../../state/stores';
import { takeDropped } from './dropped-entries';
import './import.css';

/** Accepts evidence files, and folders (a bundle folder among them), dropped anywhere on the window. */
export function DropZone({ children }: { children: ReactNode }) {
  const [dragging, setDragging] = useState(false);
  const importDropped = useImport((s) => s.importDropped);

  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth += 1;
      setDragging(true);
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const onDrop = (e: DragEvent) => {
      e.preventDefault();
      depth = 0;
      setDragging(false);
      // The entries are taken now, while the drop is being handled; folders are walked afterwards.
      const dropped = takeDropped(e.dataTransfer?.items, e.dataTransfer?.files);
      void dropped().then((files) => {
        if (files.length > 0) return importDropped(files);
      });
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [importDropped]);

  return (
    <>
      {children}
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay">
          <p>Drop evidence files to import them into this case</p>
        </div>
      )}
    </>
  );
}
