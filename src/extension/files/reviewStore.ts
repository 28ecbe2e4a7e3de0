import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { addEdit, addLosses, EMPTY_REVIEW, markRestored, parseReviewState, removeEdit } from './reviewModel';
import type { RecordedLoss, ReviewedEdit, ReviewState } from './reviewModel';

const STATE_KEY = 'airlock.files.review';

/**
 * The window's review list (edits to review, lost files), kept in the workspace state so a reload
 * does not forget what still waits. Changes are announced so the Files view redraws.
 */
export class ReviewStore extends Disposable {
  private state: ReviewState;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {
    super();
    this.state = parseReviewState(memento.get(STATE_KEY, EMPTY_REVIEW));
  }

  current(): ReviewState {
    return this.state;
  }

  edit(id: string): ReviewedEdit | undefined {
    return this.state.edits.find((e) => e.id === id);
  }

  loss(id: string): RecordedLoss | undefined {
    return this.state.losses.find((l) => l.id === id);
  }

  addEdit(edit: Omit<ReviewedEdit, 'id'>): ReviewedEdit {
    this.update(addEdit(this.state, { ...edit, id: newId() }));
    return this.state.edits.find((e) => e.path === edit.path)!;
  }

  removeEdit(id: string): void {
    this.update(removeEdit(this.state, id));
  }

  addLosses(losses: readonly Omit<RecordedLoss, 'id'>[]): RecordedLoss[] {
    const added = losses.map((loss) => ({ ...loss, id: newId() }));
    if (added.length > 0) this.update(addLosses(this.state, added));
    return added;
  }

  markRestored(id: string, at: number): void {
    this.update(markRestored(this.state, id, at));
  }

  private update(next: ReviewState): void {
    this.state = next;
    void this.memento.update(STATE_KEY, next);
    this.changed.fire();
  }
}

function newId(): string {
  return randomBytes(6).toString('hex');
}
